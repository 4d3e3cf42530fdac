import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MnistOnnxError } from '../errors.js';

const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

/**
 * Writes a file under a temporary name in the same folder, then renames it over the target:
 * readers see the old file or the new one, never half of either.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempName(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Refusing to replace a folder this project did not write (a typo in --out must not wipe it). */
export class UnsafeReplaceError extends MnistOnnxError {
  constructor(dir: string, marker: string) {
    super('UNSAFE_REPLACE', `${dir}: exists and holds other files but no ${marker}; refusing to replace it (choose a new or empty folder)`);
  }
}

/** Throws UnsafeReplaceError unless `dir` is missing, empty, or holds `marker`: call it before long work. */
export async function assertReplaceable(dir: string, marker: string): Promise<void> {
  const existing: string[] = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return error.code === 'ENOTDIR' ? [''] : [];
    throw error;
  });
  if (existing.length > 0 && !existing.includes(marker)) throw new UnsafeReplaceError(dir, marker);
}

/**
 * Fills a fresh temporary folder with `fill`, then swaps it in for `dir`. The previous
 * folder stays intact until the new one is complete (it is moved aside, then removed). Only a
 * folder that is empty or holds `marker` (the file that identifies what we write there) is
 * ever replaced.
 */
export async function replaceDirAtomic(dir: string, marker: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  await assertReplaceable(dir, marker);
  await mkdir(dirname(dir), { recursive: true });
  const temp = tempName(dir);
  const old = `${temp}.old`;
  await mkdir(temp);
  try {
    await fill(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  let hadOld = true;
  try {
    await rename(dir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    hadOld = false;
  }
  try {
    await rename(temp, dir);
  } catch (error) {
    // Put the previous folder back rather than leave nothing where it stood.
    if (hadOld) await rename(old, dir).catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}
