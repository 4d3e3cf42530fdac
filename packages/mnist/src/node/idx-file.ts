import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IdxFormatError } from '../errors.js';
import { decodeIdxImages, decodeIdxLabels, encodeIdxImages, encodeIdxLabels, type IdxImages } from '../idx.js';
import { writeFileAtomic } from './atomic-write.js';

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Reads a file's bytes, gunzipping them when they are gzip (by content, whatever the name). */
export async function readMaybeGzip(path: string): Promise<{ bytes: Uint8Array; stored: Uint8Array }> {
  let stored: Uint8Array;
  try {
    stored = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new IdxFormatError(path, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`);
  }
  if (path.endsWith('.gz') && !isGzip(stored)) throw new IdxFormatError(path, 'not a gzip file (named .gz but has no gzip header)');
  if (!isGzip(stored)) return { bytes: stored, stored };
  try {
    return { bytes: gunzipSync(stored), stored };
  } catch (error) {
    throw new IdxFormatError(path, `corrupt gzip data (${(error as Error).message})`);
  }
}

export async function readIdxImagesFile(path: string): Promise<IdxImages> {
  return decodeIdxImages((await readMaybeGzip(path)).bytes, path);
}

export async function readIdxLabelsFile(path: string): Promise<Uint8Array> {
  return decodeIdxLabels((await readMaybeGzip(path)).bytes, path);
}

/** Writes an idx3-ubyte file (gzipped when the name ends in .gz), atomically. */
export async function writeIdxImagesFile(path: string, pixels: Uint8Array, count: number, rows = 28, cols = 28): Promise<void> {
  await writeIdx(path, encodeIdxImages(pixels, count, rows, cols));
}

/** Writes an idx1-ubyte file (gzipped when the name ends in .gz), atomically. */
export async function writeIdxLabelsFile(path: string, labels: Uint8Array): Promise<void> {
  await writeIdx(path, encodeIdxLabels(labels));
}

async function writeIdx(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);
}
