import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { MnistOnnxError } from '../errors.js';

/**
 * Every output of a command, checked before any work starts: a bad --out must fail in a
 * second with a line naming the flag, not after an epoch of training with a raw errno on a
 * hidden temporary path, and never after another output was already replaced.
 */

/** One output of a command: the flag that named it (or a description), the path, what it is. */
export interface OutputPath {
  /** How the user named it: `--out`, `--report`… */
  flag: string;
  path: string;
  kind: 'file' | 'folder';
}

/** An output path that cannot be written as asked. */
export class OutputPathError extends MnistOnnxError {
  readonly flag: string;
  readonly path: string;
  constructor(flag: string, path: string, problem: string) {
    super('OUTPUT_PATH', `${flag} ${path}: ${problem}`);
    this.flag = flag;
    this.path = path;
  }
}

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Where an output really lands: symlinks and `..` resolved in the part of the path that exists. */
async function canonical(output: OutputPath): Promise<string> {
  const absolute = resolve(output.path);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(existing), ...rest);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw new OutputPathError(output.flag, output.path, `cannot resolve (${errnoOf(error)})`);
      if (dirname(existing) === existing) return absolute;
      rest.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
}

/** The nearest folder above `path` that exists (where missing folders would be created). */
async function nearestExistingAncestor(output: OutputPath, path: string): Promise<string> {
  let dir = dirname(path);
  for (;;) {
    const info = await statOrUndefined(dir);
    if (info === null || (info && !info.isDirectory())) throw new OutputPathError(output.flag, output.path, `${dir} is not a folder`);
    if (info) return dir;
    dir = dirname(dir);
  }
}

async function checkOne(output: OutputPath): Promise<string> {
  const absolute = resolve(output.path);
  if (parse(absolute).root === absolute) throw new OutputPathError(output.flag, output.path, `is the root folder; name a ${output.kind} inside a folder`);
  const info = await statOrUndefined(absolute);
  if (info === null) throw new OutputPathError(output.flag, output.path, 'a part of the path is a file, not a folder');
  if (info?.isDirectory() && output.kind === 'file') throw new OutputPathError(output.flag, output.path, 'is a folder; expected a file name');
  if (info && !info.isDirectory() && output.kind === 'folder') throw new OutputPathError(output.flag, output.path, 'is a file; expected a folder');
  const parent = await nearestExistingAncestor(output, absolute);
  try {
    // Writes happen beside the output (temporary names, the lock), so its folder must take them.
    await access(parent, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new OutputPathError(output.flag, output.path, `cannot write in ${parent} (${errnoOf(error)})`);
  }
  return canonical(output);
}

/** True when `child` is strictly below `parent`. */
const inside = (child: string, parent: string) => {
  const rel = relative(parent, child);
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel);
};

/**
 * Throws OutputPathError for the first output that cannot be written: the root, a folder where
 * a file is wanted (or the reverse), a path through a file, a folder that refuses writes, or
 * two outputs that land on the same place (whatever their spelling: `./x`, `a/../x`, a symlink)
 * or one inside a folder output.
 */
export async function checkOutputPaths(outputs: readonly OutputPath[]): Promise<void> {
  const seen: { output: OutputPath; where: string }[] = [];
  for (const output of outputs) {
    const where = await checkOne(output);
    for (const other of seen) {
      if (other.where === where) {
        throw new OutputPathError(output.flag, output.path, `is the same ${output.kind} as ${other.output.flag} ${other.output.path}; give each output its own path`);
      }
      const [outer, inner] = other.output.kind === 'folder' && inside(where, other.where) ? [other, { output, where }] : output.kind === 'folder' && inside(other.where, where) ? [{ output, where }, other] : [];
      if (outer && inner) {
        throw new OutputPathError(inner.output.flag, inner.output.path, `is inside ${outer.output.flag} ${outer.output.path}, which is replaced as a whole; put it elsewhere`);
      }
    }
    seen.push({ output, where });
  }
}
