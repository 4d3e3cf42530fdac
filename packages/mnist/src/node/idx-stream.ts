import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { NUM_CLASSES } from '../constants.js';
import { IdxFormatError } from '../errors.js';

/**
 * Reads an IDX file (uncompressed or gzip) a batch at a time, so a file of any size costs
 * one batch of memory. Plain files are read with positioned `FileHandle.read` calls; gzip
 * files are streamed through zlib. The header is checked on open, the length at the end.
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

const UBYTE = 0x08;

/** Opens an idx3-ubyte image file for streaming. */
export async function openIdxImagesStream(path: string): Promise<IdxStream> {
  return openIdxStream(path, 3, 'images');
}

/** Opens an idx1-ubyte label file for streaming; every batch is checked to hold only 0–9. */
export async function openIdxLabelsStream(path: string): Promise<IdxStream> {
  const stream = await openIdxStream(path, 1, 'labels');
  let seen = 0;
  return {
    ...stream,
    async read(items: number) {
      const labels = await stream.read(items);
      const bad = labels.findIndex((label) => label >= NUM_CLASSES);
      if (bad >= 0) throw new IdxFormatError(path, `label ${labels[bad]} at index ${seen + bad} is out of range 0–9`);
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

async function openIdxStream(path: string, expectedDims: number, what: string): Promise<IdxStream> {
  const source = await openByteSource(path);
  try {
    const head = await source.take(4);
    if (head.length < 4) throw new IdxFormatError(path, `truncated: ${head.length} bytes, too short for an IDX header`);
    if (head[0] !== 0 || head[1] !== 0) {
      const magic = Array.from(head, (b) => b.toString(16).padStart(2, '0')).join('');
      throw new IdxFormatError(path, `wrong magic number 0x${magic}: not an IDX file`);
    }
    if (head[2] !== UBYTE) {
      throw new IdxFormatError(path, `wrong type code 0x${head[2].toString(16).padStart(2, '0')}, expected 0x08 (unsigned byte)`);
    }
    if (head[3] !== expectedDims) {
      throw new IdxFormatError(path, `has ${head[3]} dimension${head[3] === 1 ? '' : 's'}, expected ${expectedDims} for ${what}`);
    }
    const dimBytes = await source.take(4 * expectedDims);
    if (dimBytes.length < 4 * expectedDims) {
      throw new IdxFormatError(path, `truncated: the header needs ${4 + 4 * expectedDims} bytes`);
    }
    const view = new DataView(dimBytes.buffer, dimBytes.byteOffset, dimBytes.byteLength);
    const dims = Array.from({ length: expectedDims }, (_, i) => view.getUint32(4 * i, false));
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
            throw new IdxFormatError(path, `truncated: the header announces ${count} ${what}, the data ends after ${count - remaining + Math.floor(bytes.length / itemBytes)}`);
          }
          remaining -= n;
          if (remaining === 0 && n > 0 && (await source.take(1)).length > 0) {
            throw new IdxFormatError(path, `unexpected bytes after the ${dims.join('×')} ${what}`);
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
    const code = (error as NodeJS.ErrnoException).code;
    throw new IdxFormatError(path, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`);
  }
  const magic = new Uint8Array(2);
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(magic, 0, 2, 0));
  } catch (error) {
    await handle.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new IdxFormatError(path, code === 'EISDIR' ? 'is a folder, not an IDX file' : `cannot read (${code ?? String(error)})`);
  }
  const gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  if (path.endsWith('.gz') && !gzip) {
    await handle.close();
    throw new IdxFormatError(path, 'not a gzip file (named .gz but has no gzip header)');
  }
  if (!gzip) return fileSource(handle);
  await handle.close();
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
            throw new IdxFormatError(path, `corrupt gzip data (${(error as Error).message})`);
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
