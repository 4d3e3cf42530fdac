import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IdxFormatError } from '../errors.js';
import { decodeIdxImages, decodeIdxLabels, encodeIdxImages, encodeIdxLabels, type IdxImages } from '../idx.js';
import { writeFileAtomic } from './atomic-output.js';

/** Whether bytes start with the gzip magic number; a file is gzip by content, whatever its name. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The one-line error for an IDX file that cannot be opened or read (used by both readers). */
export function unreadableIdxFile(path: string, error: unknown): IdxFormatError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new IdxFormatError(path, 'file not found');
  if (code === 'EISDIR') return new IdxFormatError(path, 'is a folder, not an IDX file');
  return new IdxFormatError(path, `cannot read (${code ?? String(error)})`);
}

/** A name ending in .gz promises gzip; refuse a file that breaks the promise rather than guess. */
export function checkGzipName(path: string, gzip: boolean): void {
  if (path.endsWith('.gz') && !gzip) throw new IdxFormatError(path, 'not a gzip file (named .gz but has no gzip header)');
}

/** The one-line error for gzip data zlib cannot inflate. */
export const corruptGzip = (path: string, error: unknown): IdxFormatError =>
  new IdxFormatError(path, `corrupt gzip data (${(error as Error).message})`);

/** Reads a file's bytes, gunzipping them when they are gzip (by content, whatever the name). */
export async function readMaybeGzip(path: string): Promise<{ bytes: Uint8Array; stored: Uint8Array }> {
  let stored: Uint8Array;
  try {
    stored = await readFile(path);
  } catch (error) {
    throw unreadableIdxFile(path, error);
  }
  const gzip = isGzip(stored);
  checkGzipName(path, gzip);
  if (!gzip) return { bytes: stored, stored };
  try {
    return { bytes: gunzipSync(stored), stored };
  } catch (error) {
    throw corruptGzip(path, error);
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
