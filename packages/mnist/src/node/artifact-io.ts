import { readFile } from 'node:fs/promises';
import { ArtifactError } from '../artifacts/artifact-error.js';
import { parseArtifact, serializeArtifact, type ArtifactContract } from '../artifacts/contract.js';
import { writeFileAtomic } from './atomic-output.js';

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ArtifactError(path, 'missing', 'no such file', { cause: error });
    throw new ArtifactError(path, 'unreadable', `cannot read (${code ?? String(error)})`, { cause: error });
  }
}

/** Reads and validates an artifact file; every failure is an ArtifactError naming `path`. */
export async function readArtifact<Body>(contract: ArtifactContract<Body>, path: string): Promise<Body> {
  return parseArtifact(contract, await readText(path), path);
}

/** Like readArtifact, but a missing file gives `undefined` (an optional companion file). */
export async function readArtifactIfPresent<Body>(contract: ArtifactContract<Body>, path: string): Promise<Body | undefined> {
  try {
    return await readArtifact(contract, path);
  } catch (error) {
    if (error instanceof ArtifactError && error.problem === 'missing') return undefined;
    throw error;
  }
}

/** Writes an artifact atomically with its format and version in front, after validating it. */
export async function writeArtifact<Body>(contract: ArtifactContract<Body>, path: string, body: Body): Promise<void> {
  await writeFileAtomic(path, serializeArtifact(contract, body, path));
}
