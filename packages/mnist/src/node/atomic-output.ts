import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, readlink, rename, rm, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MnistOnnxError } from '../errors.js';

/**
 * Every way this project puts an output on disk, so that a kill at any moment leaves each
 * output either its whole old version or its whole new one, and the litter of a killed run is
 * swept by the next one.
 *
 * - A file is written under a hidden temporary name beside it, then renamed over it.
 * - A folder `X` is a symlink to a hidden, complete version folder `.X.<pid>.<id>.v`. A new
 *   version is filled under `.X.<pid>.<id>.tmp`, renamed to `.v` once complete, and committed
 *   by renaming a new symlink over `X`: one rename, which the kernel does whole or not at all.
 *   Readers follow `X` as they would any folder.
 * - A real folder where `X` should be (made by an older version, or an empty one a user made)
 *   is moved aside to `.X.<pid>.<id>.old` just before that rename. A kill between the two
 *   renames is finished at the next start (`settleOutput`): `X` then points at the new version,
 *   which was complete before anything was moved.
 * - Hidden names carry the writer's pid, so a sweep only removes what a dead process left.
 * - A lock file `.X.lock` beside an output refuses a second run aimed at it (`lockOutput`).
 */

type HiddenKind = 'tmp' | 'tmp.old' | 'v' | 'old' | 'link' | 'stale-lock';

interface Hidden {
  name: string;
  pid: number;
  id: string;
  kind: HiddenKind;
}

const newId = () => randomBytes(4).toString('hex');
const hiddenName = (target: string, id: string, kind: HiddenKind) => `.${basename(target)}.${process.pid}.${id}.${kind}`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `.X.<pid>.<hex>.<kind>`: every hidden name the writers below make beside X. */
function parseHidden(entry: string, target: string): Hidden | undefined {
  const match = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.([0-9a-f]+)\\.(tmp|tmp\\.old|v|old|link|stale-lock)$`).exec(entry);
  return match ? { name: entry, pid: Number(match[1]), id: match[2], kind: match[3] as HiddenKind } : undefined;
}

/** Hidden names this process is filling or committing right now (a sweep must leave them). */
const inFlight = new Set<string>();

/** What /proc says of a process: its state letter and start time (clock ticks since boot). */
function processStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    // Fields 3 and 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, startTime: rest[19]! };
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` names a running process (and, when known, the one that started at `startTime`).
 * A zombie is not running: a killed writer stays one until its parent reaps it, which under load
 * (or with a parent that never reaps) can be long after it last wrote anything.
 */
export function isProcessAlive(pid: number, startTime?: string): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = processStat(pid);
  if (stat === undefined) return true; // no /proc (not Linux): the signal probe is all there is
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return startTime === undefined || stat.startTime === startTime;
}

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

// ── files ──────────────────────────────────────────────────────────────────────────────────

/**
 * Writes a file under a temporary name in the same folder, then renames it over the target:
 * readers see the old file or the new one, never half of either. Temporary files that killed
 * writers left beside it are removed first.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await sweepStale(path);
  const temp = join(dirname(path), hiddenName(path, newId(), 'tmp'));
  inFlight.add(basename(temp));
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    inFlight.delete(basename(temp));
  }
}

// ── folders ────────────────────────────────────────────────────────────────────────────────

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
 * Fills a fresh hidden folder with `fill`, then makes `dir` point at it with a single rename.
 * Until that rename `dir` is the previous version, whole; after it, the new one, whole. Only
 * a folder that is empty or holds `marker` (the file that identifies what we write there) is
 * ever replaced.
 */
export async function replaceDirAtomic(dir: string, marker: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  await assertReplaceable(dir, marker);
  await mkdir(dirname(dir), { recursive: true });
  await settleOutput(dir);
  const id = newId();
  const names = (['tmp', 'v', 'link', 'old'] as const).map((kind) => hiddenName(dir, id, kind));
  names.forEach((name) => inFlight.add(name));
  try {
    await fillAndCommit(dir, id, fill);
  } finally {
    names.forEach((name) => inFlight.delete(name));
  }
  await sweepStale(dir);
}

async function fillAndCommit(dir: string, id: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  const beside = (kind: HiddenKind) => join(dirname(dir), hiddenName(dir, id, kind));
  const [temp, version, link] = [beside('tmp'), beside('v'), beside('link')];
  try {
    await mkdir(temp);
    await fill(temp);
    await rename(temp, version);
    await symlink(basename(version), link, 'dir');
  } catch (error) {
    await Promise.all([temp, version, link].map((path) => rm(path, { recursive: true, force: true })));
    throw error;
  }
  if ((await lstatOrUndefined(dir))?.isDirectory()) {
    // A real folder (older layout, or an empty one made by hand): move it aside first. A kill
    // right after this rename is finished by settleOutput at the next start.
    await rename(dir, beside('old'));
  }
  // The commit: one rename of a symlink over the symlink (or the gap) at `dir`.
  await rename(link, dir);
}

/**
 * Finishes a folder swap that a killed run left half done, then removes what killed writers
 * left beside `path`. Writers call it before they write; readers may call it before they read.
 * It never brings back an output that was deleted on purpose: only a swap caught between its
 * two renames is completed.
 */
export async function settleOutput(path: string): Promise<void> {
  if (!(await lstatOrUndefined(path))) {
    const hidden = await hiddenBeside(path);
    const dead = (h: Hidden) => !isProcessAlive(h.pid);
    // This layout: `.old` is the previous real folder, moved aside just before the link was
    // renamed in. The new version of the same swap was complete by then: point at it.
    const swap = hidden.find((h) => h.kind === 'old' && dead(h));
    if (swap) {
      const pending = hidden.find((h) => h.kind === 'link' && h.id === swap.id);
      const version = hidden.find((h) => h.kind === 'v' && h.id === swap.id);
      if (pending && version) await rename(join(dirname(path), pending.name), path);
      else if (version) await symlink(version.name, path, 'dir');
      else await rename(join(dirname(path), swap.name), path);
    } else {
      // The layout before this one moved the old folder to `.tmp.old` and then the new one in.
      const legacy = hidden.find((h) => h.kind === 'tmp.old' && dead(h));
      if (legacy) await rename(join(dirname(path), legacy.name), path);
    }
  }
  await sweepStale(path);
}

async function hiddenBeside(path: string): Promise<Hidden[]> {
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch {
    return [];
  }
  return entries.flatMap((entry) => parseHidden(entry, path) ?? []);
}

/**
 * Removes the hidden files and folders beside `path` that no live writer owns: unfinished
 * fills, versions `path` no longer points at, folders moved aside. This process's own
 * leftovers go too, except the version `path` points at.
 */
async function sweepStale(path: string): Promise<void> {
  const hidden = await hiddenBeside(path);
  if (hidden.length === 0) return;
  const target = await readlink(path).catch(() => undefined);
  for (const h of hidden) {
    if (h.name === target || inFlight.has(h.name)) continue;
    if (h.pid !== process.pid && isProcessAlive(h.pid)) continue;
    // Best effort: a reader in a folder it may not write to still reads.
    await rm(join(dirname(path), h.name), { recursive: true, force: true }).catch(() => undefined);
  }
}

// ── locks ──────────────────────────────────────────────────────────────────────────────────

/** Another live run holds the lock of an output. */
export class OutputLockedError extends MnistOnnxError {
  readonly path: string;
  readonly ownerPid: number;
  constructor(label: string, path: string, ownerPid: number) {
    super('OUTPUT_LOCKED', `${label}: another run (pid ${ownerPid}) is writing there; wait for it to finish, or stop it`);
    this.path = path;
    this.ownerPid = ownerPid;
  }
}

interface LockOwner {
  pid: number;
  startTime?: string;
}

const lockPath = (path: string) => join(dirname(path), `.${basename(path)}.lock`);

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : { pid: -1 };
  } catch (error) {
    // Missing: released meanwhile. Unreadable or half written: a writer killed mid-write.
    return errnoOf(error) === 'ENOENT' ? undefined : { pid: -1 };
  }
}

/**
 * Takes the lock of an output (a file or folder) for this process: `.X.lock` beside it, holding
 * this process's pid. A lock whose owner is dead (killed, crashed) is taken over; one whose
 * owner runs is refused with OutputLockedError, which names `label` (the flag and the path as
 * given) and the owner. Returns the function that releases it; a process that exits without
 * calling it leaves a lock the next run takes over.
 */
export async function lockOutput(path: string, label: string = path): Promise<() => Promise<void>> {
  const file = lockPath(path);
  // The folders made to hold the lock go again on release if the run left nothing in them: a
  // run that fails writes nothing, not even an empty folder.
  const created = await mkdir(dirname(file), { recursive: true });
  const removeCreated = async () => {
    if (!created) return;
    for (let dir = dirname(file); dir.length >= created.length; dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) break;
    }
  };
  const me: LockOwner = { pid: process.pid, startTime: processStat(process.pid)?.startTime };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return async () => {
        const owner = await readOwner(file);
        if (owner?.pid === process.pid) await unlink(file).catch(() => undefined);
        await removeCreated();
      };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') {
        await removeCreated();
        throw error;
      }
    }
    const owner = await readOwner(file);
    if (!owner) continue;
    if (owner.pid === process.pid) throw new OutputLockedError(label, path, owner.pid);
    if (owner.pid > 0 && isProcessAlive(owner.pid, owner.startTime)) throw new OutputLockedError(label, path, owner.pid);
    // A dead owner's lock: move it aside under a unique name (only one taker's rename can
    // succeed), then check it was the dead one's and not a lock another taker just made.
    const aside = join(dirname(path), hiddenName(path, newId(), 'stale-lock'));
    try {
      await rename(file, aside);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') continue;
      throw error;
    }
    const taken = await readOwner(aside);
    if (taken && taken.pid > 0 && taken.pid !== owner.pid && isProcessAlive(taken.pid, taken.startTime)) {
      // Not the dead one's: give it back and let its owner keep it.
      await rename(aside, file).catch(() => undefined);
      throw new OutputLockedError(label, path, taken.pid);
    }
    await rm(aside, { force: true });
  }
  throw new OutputLockedError(label, path, (await readOwner(file))?.pid ?? -1);
}

/** Locks every output in order; on a refusal, releases those already taken. */
export async function lockOutputs(outputs: readonly { path: string; label: string }[]): Promise<() => Promise<void>> {
  const releases: (() => Promise<void>)[] = [];
  const releaseAll = async () => {
    for (const release of releases.reverse()) await release();
  };
  try {
    for (const { path, label } of outputs) releases.push(await lockOutput(path, label));
  } catch (error) {
    await releaseAll();
    throw error;
  }
  return releaseAll;
}
