import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { IdxFormatError } from '../errors.js';
import { checkIdxLabels, idxHeaderBytes, parseIdxHeader, type IdxKind } from '../idx.js';
import { checkGzipName, corruptGzip, isGzip, unreadableIdxFile } from './idx-file.js';

/**
 * Reads an IDX file (uncompressed or gzip) a batch at a time, so a file of any size costs
 * one batch of memory. Plain files are read with positioned `FileHandle.read` calls; gzip
 * files are streamed through zlib. The header is checked on open (by the same parser as the
 * whole-file decoder), the length at the end.
 */
export interface IdxStream {
  readonly path: string;
  /** Number of items (images or labels) the header announces. */
  readonly count: number;
  /** The dimensions after the first (e.g. [28, 28] for images, [] for labels). */
  readonly itemShape: number[];
  /** Bytes per item (784 for 28×28 images, 1 for labels). */
  readonly itemBytes: number;
  /** Reads the next `items` items (fewer at the end; an empty array once all are read). */
  read(items: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens an idx3-ubyte image file for streaming. */
export async function openIdxImagesStream(path: string): Promise<IdxStream> {
  return openIdxStream(path, 'images');
}

/** Opens an idx1-ubyte label file for streaming; every batch is checked to hold only 0–9. */
export async function openIdxLabelsStream(path: string): Promise<IdxStream> {
  const stream = await openIdxStream(path, 'labels');
  let seen = 0;
  return {
    ...stream,
    async read(items: number) {
      const labels = await stream.read(items);
      checkIdxLabels(labels, path, seen);
      seen += labels.length;
      return labels;
    },
  };
}

interface ByteSource {
  /** Up to `length` bytes; fewer only at the end of the data. */
  take(length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function openIdxStream(path: string, kind: IdxKind): Promise<IdxStream> {
  const source = await openByteSource(path);
  try {
    // Exactly the header this kind has; a file with another number of dimensions fails the
    // parse before the bytes read past its header matter.
    const { dims } = parseIdxHeader(await source.take(idxHeaderBytes(kind)), path, kind);
    const [count, ...itemShape] = dims;
    const itemBytes = itemShape.reduce((a, b) => a * b, 1);
    let remaining = count;
    return {
      path,
      count,
      itemShape,
      itemBytes,
      async read(items: number) {
        const n = Math.min(items, remaining);
        try {
          const bytes = await source.take(n * itemBytes);
          if (bytes.length < n * itemBytes) {
            throw new IdxFormatError(path, `truncated: the header announces ${count} ${kind}, the data ends after ${count - remaining + Math.floor(bytes.length / itemBytes)}`);
          }
          remaining -= n;
          if (remaining === 0 && n > 0 && (await source.take(1)).length > 0) {
            throw new IdxFormatError(path, `unexpected bytes after the ${dims.join('×')} ${kind}`);
          }
          return bytes;
        } catch (error) {
          await source.close(); // a broken file is not read any further
          throw error;
        }
      },
      close: () => source.close(),
    };
  } catch (error) {
    await source.close();
    throw error;
  }
}

async function openByteSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw unreadableIdxFile(path, error);
  }
  const magic = new Uint8Array(2);
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(magic, 0, 2, 0));
  } catch (error) {
    await handle.close();
    throw unreadableIdxFile(path, error);
  }
  const gzip = isGzip(magic.subarray(0, bytesRead));
  if (!gzip && !path.endsWith('.gz')) return fileSource(handle);
  await handle.close();
  checkGzipName(path, gzip);
  return gunzipSource(path);
}

/** Reads of at least this size, so tiny batches (say, one image) do not cost a system call each. */
const READ_AHEAD = 1 << 20;

function fileSource(handle: FileHandle): ByteSource {
  let position = 0;
  let closed = false;
  const buffer = new Uint8Array(READ_AHEAD);
  let bufferStart = 0;
  let bufferEnd = 0;
  const fill = async (out: Uint8Array, offset: number, length: number) => {
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(out, offset + filled, length - filled, position);
      if (bytesRead === 0) break;
      filled += bytesRead;
      position += bytesRead;
    }
    return filled;
  };
  return {
    async take(length) {
      const out = new Uint8Array(length);
      let filled = Math.min(length, bufferEnd - bufferStart);
      out.set(buffer.subarray(bufferStart, bufferStart + filled));
      bufferStart += filled;
      if (filled < length && length - filled >= READ_AHEAD) {
        filled += await fill(out, filled, length - filled);
      } else if (filled < length) {
        bufferStart = 0;
        bufferEnd = await fill(buffer, 0, READ_AHEAD);
        const n = Math.min(length - filled, bufferEnd);
        out.set(buffer.subarray(0, n), filled);
        bufferStart = n;
        filled += n;
      }
      return filled === length ? out : out.subarray(0, filled);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

function gunzipSource(path: string): ByteSource {
  const stream = createReadStream(path).pipe(createGunzip());
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let done = false;
  return {
    async take(length) {
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        if (pending.length === 0) {
          if (done) break;
          let next: IteratorResult<Buffer>;
          try {
            next = await chunks.next();
          } catch (error) {
            throw corruptGzip(path, error);
          }
          if (next.done) {
            done = true;
            break;
          }
          pending = next.value;
        }
        const n = Math.min(length - filled, pending.length);
        out.set(pending.subarray(0, n), filled);
        pending = pending.subarray(n);
        filled += n;
      }
      return filled === length ? out : out.subarray(0, filled);
    },
    async close() {
      stream.destroy();
    },
  };
}
