import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MnistOnnxError } from '../errors.js';
import { artifactPaths } from './paths.js';

/**
 * Downloads the full MNIST set (the four gzipped IDX files) from well-known mirrors.
 *
 * - Each file is checked against its published checksum before it appears in the folder.
 * - Bytes go to `<dir>/.partial/<name>.part` first; only a verified file is renamed into
 *   `<dir>` (same file system, so the rename is atomic). The destination never holds half a
 *   file; an interrupted transfer leaves its `.part` in the hidden `.partial` folder, and the
 *   next attempt resumes it with an HTTP Range request (or restarts if the server ignores it).
 * - A mirror that fails (no such host, refused, HTTP error, cut connection, stalled transfer,
 *   checksum mismatch) hands over to the next; when all fail, one `DownloadError` names the
 *   file and every mirror with its reason.
 */

export interface RemoteFile {
  /** File name, appended to each mirror's base URL. */
  name: string;
  /** The published checksum of the file as served (the .gz bytes). */
  checksum: { algorithm: 'md5' | 'sha256'; digest: string };
  /** Expected size in bytes, when published: used for progress and to spot an oversized `.part`. */
  size?: number;
}

/**
 * The four MNIST files with the MD5 sums published by torchvision (torchvision/datasets/mnist.py,
 * the list every mirror below is checked against) and the sizes on LeCun's page.
 */
export const MNIST_FILES: readonly RemoteFile[] = [
  { name: 'train-images-idx3-ubyte.gz', checksum: { algorithm: 'md5', digest: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' }, size: 9_912_422 },
  { name: 'train-labels-idx1-ubyte.gz', checksum: { algorithm: 'md5', digest: 'd53e105ee54ea40749a09fcbcd1e9432' }, size: 28_881 },
  { name: 't10k-images-idx3-ubyte.gz', checksum: { algorithm: 'md5', digest: '9fb629c4189551a2d022fa330f9573f3' }, size: 1_648_877 },
  { name: 't10k-labels-idx1-ubyte.gz', checksum: { algorithm: 'md5', digest: 'ec29112dd5afa0611ce80d1b7f02629c' }, size: 4_542 },
];

/**
 * Tried in order: PyTorch's S3 copy (torchvision's default), the CVDF copy on Google Cloud
 * Storage (used by TensorFlow/Keras), and LeCun's original site (often refuses nowadays).
 */
export const DEFAULT_MIRRORS: readonly string[] = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'http://yann.lecun.com/exdb/mnist/',
];

/** Environment variable with mirror base URLs (comma or space separated), tried in order. */
export const MIRRORS_ENV = 'MNIST_MIRRORS';

/** The name of the hidden folder, inside the destination, that holds unfinished downloads. */
export const PARTIAL_DIR = '.partial';

/** No mirror could deliver a file with the right checksum. */
export class DownloadError extends MnistOnnxError {
  readonly file: string;
  readonly attempts: readonly { url: string; reason: string }[];
  constructor(file: string, attempts: { url: string; reason: string }[], partial?: string) {
    const tried = attempts.map((a) => `${a.url}: ${a.reason}`).join('; ');
    const kept = partial ? `; the partial download is kept in ${partial} and will be resumed` : '';
    super('DOWNLOAD', `cannot download ${file}: every mirror failed (${tried})${kept}`);
    this.file = file;
    this.attempts = attempts;
  }
}

/** A mirror list that is not a list of http(s) URLs. */
export class MirrorListError extends MnistOnnxError {
  constructor(message: string) {
    super('MIRRORS', message);
  }
}

export type DownloadEvent =
  | { type: 'reused'; file: string; path: string }
  | { type: 'start'; file: string; url: string; resumeFrom: number; total?: number }
  | { type: 'progress'; file: string; url: string; received: number; total?: number }
  | { type: 'mirror-failed'; file: string; url: string; reason: string }
  | { type: 'done'; file: string; url: string; path: string };

export interface DownloadOptions {
  /** Destination folder (default: artifacts/data/mnist). */
  dir?: string;
  /** Mirror base URLs, tried in order (default: $MNIST_MIRRORS, else DEFAULT_MIRRORS). */
  mirrors?: readonly string[];
  /** What to fetch (default: the four MNIST files). */
  files?: readonly RemoteFile[];
  /** Called as each file is reused, started, progresses, fails on a mirror, or completes. */
  onProgress?: (event: DownloadEvent) => void;
  /** Give up on a mirror after this long without a byte (default 30 s). */
  idleTimeoutMs?: number;
}

export interface DownloadedFile {
  name: string;
  path: string;
  /** True when a verified copy was already there and nothing was fetched. */
  reused: boolean;
  /** The URL that delivered it (absent when reused). */
  url?: string;
}

export interface DownloadResult {
  dir: string;
  files: DownloadedFile[];
}

/** Downloads (or reuses) every file, one after the other; throws DownloadError on the first that fails. */
export async function downloadMnist(options: DownloadOptions = {}): Promise<DownloadResult> {
  const dir = options.dir ?? artifactPaths.fullMnist();
  const mirrors = normalizeMirrors(options.mirrors ?? mirrorsFromEnv() ?? DEFAULT_MIRRORS);
  const files: DownloadedFile[] = [];
  const created = !existsSync(dir);
  await mkdir(dir, { recursive: true });
  try {
    for (const file of options.files ?? MNIST_FILES) files.push(await downloadFile(file, dir, mirrors, options));
  } finally {
    await removeIfEmpty(join(dir, PARTIAL_DIR));
    // A failed first attempt leaves no empty folder that would look like a download.
    if (created) await removeIfEmpty(dir);
  }
  return { dir, files };
}

/** Mirrors from $MNIST_MIRRORS, or undefined when it is unset or blank. */
export function mirrorsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const value = env[MIRRORS_ENV]?.trim();
  return value ? value.split(/[\s,]+/).filter(Boolean) : undefined;
}

/** Checks each mirror is an http(s) URL and gives it a trailing slash, so file names append. */
export function normalizeMirrors(mirrors: readonly string[]): string[] {
  if (mirrors.length === 0) throw new MirrorListError('no download mirrors given');
  return mirrors.map((mirror) => {
    let url: URL;
    try {
      url = new URL(mirror);
    } catch {
      throw new MirrorListError(`mirror "${mirror}" is not a URL (expected e.g. https://host/mnist/)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new MirrorListError(`mirror "${mirror}" is not an http(s) URL`);
    }
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  });
}

async function downloadFile(file: RemoteFile, dir: string, mirrors: string[], options: DownloadOptions): Promise<DownloadedFile> {
  const path = join(dir, file.name);
  if (existsSync(path) && (await checksumOf(path, file.checksum.algorithm)) === file.checksum.digest) {
    options.onProgress?.({ type: 'reused', file: file.name, path });
    return { name: file.name, path, reused: true };
  }
  const partDir = join(dir, PARTIAL_DIR);
  const part = join(partDir, `${file.name}.part`);
  await mkdir(partDir, { recursive: true });
  const attempts: { url: string; reason: string }[] = [];
  for (const mirror of mirrors) {
    const url = `${mirror}${file.name}`;
    try {
      let resumedFrom = await fetchToPart(url, part, file, options);
      let digest = await checksumOf(part, file.checksum.algorithm);
      if (digest !== file.checksum.digest && resumedFrom > 0) {
        // The earlier bytes may be the bad ones: try this mirror once more from the start.
        await rm(part, { force: true });
        resumedFrom = await fetchToPart(url, part, file, options);
        digest = await checksumOf(part, file.checksum.algorithm);
      }
      if (digest !== file.checksum.digest) {
        await rm(part, { force: true });
        throw new Error(`checksum mismatch (${file.checksum.algorithm} ${digest}, published ${file.checksum.digest})`);
      }
      await rename(part, path);
      options.onProgress?.({ type: 'done', file: file.name, url, path });
      return { name: file.name, path, reused: false, url };
    } catch (error) {
      const reason = describeFailure(error);
      attempts.push({ url, reason });
      options.onProgress?.({ type: 'mirror-failed', file: file.name, url, reason });
    }
  }
  throw new DownloadError(file.name, attempts, existsSync(part) ? part : undefined);
}

/**
 * Fetches `url` into `part`, continuing an existing `.part` with a Range request. Returns the
 * offset it resumed from (0 for a fresh download). Throws on HTTP errors and cut transfers,
 * leaving what arrived in `part` for the next attempt.
 */
async function fetchToPart(url: string, part: string, file: RemoteFile, options: DownloadOptions): Promise<number> {
  let start = existsSync(part) ? (await stat(part)).size : 0;
  if (file.size !== undefined && start > file.size) {
    await rm(part, { force: true });
    start = 0;
  }
  if (file.size !== undefined && start === file.size) return start; // Complete already: the checksum decides.

  const idleMs = options.idleTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idleMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idleMs);
  };
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers: start > 0 ? { range: `bytes=${start}-` } : {}, signal: controller.signal });
    } catch (error) {
      throw controller.signal.aborted ? new Error(`no response within ${idleMs / 1000} s`) : error;
    }
    if (response.status === 416 && start > 0) {
      await response.body?.cancel();
      return start; // The .part already holds the whole file (or garbage): the checksum decides.
    }
    if (response.status === 206) {
      const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== start) {
        await response.body?.cancel();
        throw new Error(`asked for bytes from ${start}, got "${response.headers.get('content-range')}"`);
      }
    } else if (response.ok) {
      start = 0; // The server ignored the Range header: start over.
    } else {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    if (!response.body) throw new Error('empty response');
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? start + length : file.size;
    // A mirror may promise more than the file's published size, or stream without end: refuse
    // the promise at once, and stop reading at the first byte past what is owed.
    if (file.size !== undefined && total !== undefined && total > file.size) {
      await response.body.cancel();
      throw new Error(`the server announces ${total} bytes, more than the published size of ${file.size}`);
    }
    const limit = total ?? file.size ?? Infinity;
    options.onProgress?.({ type: 'start', file: file.name, url, resumeFrom: start, total });

    const handle = await open(part, start > 0 ? 'a' : 'w');
    let received = start;
    let oversized = false;
    try {
      const reader = response.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          const why = controller.signal.aborted ? `no data for ${idleMs / 1000} s` : describeFailure(error);
          throw new Error(`connection cut after ${received} of ${total ?? '?'} bytes (${why})`);
        }
        if (chunk.done) break;
        if (received + chunk.value.length > limit) {
          await reader.cancel();
          oversized = true;
          throw new Error(`the server sent more than ${limit === file.size ? 'the published size of ' : ''}${limit} bytes`);
        }
        await handle.write(chunk.value);
        received += chunk.value.length;
        touch();
        options.onProgress?.({ type: 'progress', file: file.name, url, received, total });
      }
    } finally {
      await handle.close();
      // Bytes from a server that sends too much are not worth resuming.
      if (oversized) await rm(part, { force: true });
    }
    if (Number.isFinite(length) && received !== start + length) {
      throw new Error(`connection cut after ${received} of ${start + length} bytes`);
    }
    return start;
  } finally {
    clearTimeout(timer);
  }
}

/** One line saying why a request failed: the system error behind fetch's "fetch failed" if any. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as (Error & { code?: string }) | undefined;
  if (cause instanceof Error) {
    const text = cause.message || cause.code || cause.name;
    return cause.code && !text.includes(cause.code) ? `${cause.code}: ${text}` : text;
  }
  return error.message;
}

async function checksumOf(path: string, algorithm: RemoteFile['checksum']['algorithm']): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length === 0) await rmdir(dir);
  } catch {
    // Missing already, or not empty: either way nothing to tidy.
  }
}
