import { IdxFormatError } from './errors.js';
import { NUM_CLASSES } from './constants.js';

/**
 * The IDX format (LeCun's MNIST files): two zero bytes, a type code, the number of dimensions,
 * then one big-endian uint32 per dimension, then the data. MNIST uses type 0x08 (unsigned byte):
 * 3 dimensions for images (count, rows, cols) and 1 for labels.
 *
 * The header is parsed here once, for the whole-file decoder below and for the streaming reader
 * of `@mnist-onnx/mnist/node` alike, so both reject a bad file with the same words.
 */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double',
};

/** What an IDX file of MNIST holds: images (count × rows × cols) or labels (count). */
export type IdxKind = 'images' | 'labels';

const DIMENSIONS: Record<IdxKind, number> = { images: 3, labels: 1 };

export interface IdxHeader {
  kind: IdxKind;
  /** [count, rows, cols] for images, [count] for labels. */
  dims: number[];
  /** Bytes before the data: 16 for images, 8 for labels. */
  headerBytes: number;
  /** Bytes of data the header announces: the product of `dims`. */
  dataBytes: number;
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, row-major. */
  pixels: Uint8Array;
}

/** How many bytes the header of a ubyte IDX file of this kind takes. */
export const idxHeaderBytes = (kind: IdxKind): number => 4 + 4 * DIMENSIONS[kind];

/**
 * Parses and checks the header at the start of `bytes` (which may hold the data too, or only
 * the `idxHeaderBytes(kind)` bytes a stream has read). `file` is only used in error messages.
 */
export function parseIdxHeader(bytes: Uint8Array, file: string, kind: IdxKind): IdxHeader {
  if (bytes.length < 4) throw new IdxFormatError(file, `truncated: ${bytes.length} bytes, too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new IdxFormatError(file, `wrong magic number 0x${magic}: not an IDX file`);
  }
  const type = bytes[2];
  if (type !== UBYTE) {
    const name = TYPE_NAMES[type] ?? 'unknown';
    throw new IdxFormatError(file, `wrong type code 0x${type.toString(16).padStart(2, '0')} (${name}), expected 0x08 (unsigned byte)`);
  }
  const ndims = bytes[3];
  const expected = DIMENSIONS[kind];
  if (ndims !== expected) {
    throw new IdxFormatError(file, `has ${ndims} dimension${ndims === 1 ? '' : 's'}, expected ${expected} for ${kind}`);
  }
  const headerBytes = idxHeaderBytes(kind);
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(file, `truncated: ${bytes.length} bytes, the header alone needs ${headerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { kind, dims, headerBytes, dataBytes: dims.reduce((a, b) => a * b, 1) };
}

/** Throws when a label is not a digit; `firstIndex` is the position of `labels[0]` in the file. */
export function checkIdxLabels(labels: Uint8Array, file: string, firstIndex = 0): void {
  const bad = labels.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) throw new IdxFormatError(file, `label ${labels[bad]} at index ${firstIndex + bad} is out of range 0–9`);
}

/** Decodes an uncompressed idx3-ubyte image file. `file` is only used in error messages. */
export function decodeIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { dims, data } = decodeIdx(bytes, file, 'images');
  const [count, rows, cols] = dims;
  return { count, rows, cols, pixels: data };
}

/** Decodes an uncompressed idx1-ubyte label file and checks every label is 0–9. */
export function decodeIdxLabels(bytes: Uint8Array, file: string): Uint8Array {
  const { data } = decodeIdx(bytes, file, 'labels');
  checkIdxLabels(data, file);
  return data;
}

export function encodeIdxImages(pixels: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  if (pixels.length !== count * rows * cols) {
    throw new RangeError(`encodeIdxImages: ${pixels.length} bytes is not ${count}×${rows}×${cols}`);
  }
  return encodeIdx([count, rows, cols], pixels);
}

export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  return encodeIdx([labels.length], labels);
}

function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerLength);
  return out;
}

function decodeIdx(bytes: Uint8Array, file: string, kind: IdxKind) {
  const { dims, headerBytes, dataBytes } = parseIdxHeader(bytes, file, kind);
  const actualBytes = bytes.length - headerBytes;
  if (actualBytes < dataBytes) {
    throw new IdxFormatError(file, `truncated: ${dims.join('×')} ${kind} need ${dataBytes} data bytes, found ${actualBytes}`);
  }
  if (actualBytes > dataBytes) {
    throw new IdxFormatError(file, `${actualBytes - dataBytes} unexpected bytes after the ${dims.join('×')} ${kind}`);
  }
  // A plain Uint8Array view, even when given a Node Buffer, so callers see one type.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, dataBytes) };
}
