import { basename } from 'node:path';
import { decodeMnistSplit, type Dataset } from '../dataset.js';
import type { IdxFileRole } from '../constants.js';
import { readMaybeGzip, sha256 } from './idx-file.js';
import { findIdxFile, resolveDataset, type ResolvedDataset } from './resolve-dataset.js';

export interface DatasetFile {
  name: string;
  path: string;
  /** SHA-256 of the file as stored (compressed if it is .gz). */
  sha256: string;
}

export interface DatasetSplit extends ResolvedDataset {
  train: Dataset;
  test: Dataset;
  files: DatasetFile[];
}

/**
 * Loads a whole train/test split into memory. `spec` is a `--data` value, resolved by
 * `resolveDataset`: `embedded`, `mnist`, or a folder of the four standard IDX files.
 */
export async function loadDataset(spec = 'embedded'): Promise<DatasetSplit> {
  const resolved = await resolveDataset(spec);
  return { ...resolved, ...(await readIdxDir(resolved.dir)) };
}

/** Reads the four standard files from a folder and checks each pair forms a 28×28, 0–9 split. */
async function readIdxDir(dir: string): Promise<Pick<DatasetSplit, 'train' | 'test' | 'files'>> {
  const files: DatasetFile[] = [];
  const read = async (role: IdxFileRole) => {
    const file = findIdxFile(dir, role);
    const { bytes, stored } = await readMaybeGzip(file);
    files.push({ name: basename(file), path: file, sha256: sha256(stored) });
    return { file, bytes };
  };
  const train = decodeMnistSplit(await read('trainImages'), await read('trainLabels'));
  const test = decodeMnistSplit(await read('testImages'), await read('testLabels'));
  return { train, test, files };
}
