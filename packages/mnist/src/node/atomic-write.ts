import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/**
 * Fills a fresh temporary folder with `fill`, then swaps it in for `dir`. The previous
 * folder stays intact until the new one is complete (it is moved aside, then removed).
 */
export async function replaceDirAtomic(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
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
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadOld = false;
  }
  await rename(temp, dir);
  if (hadOld) await rm(old, { recursive: true, force: true });
}
