import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, NUM_CLASSES, PIXELS, type Dataset, type Rng } from '@mnist-onnx/mnist';
import { drawShift, padImages, shiftedOrigin, smoothedTargets, type Batch, type BatchOptions, type BatchSource } from './batch-source.js';

/**
 * What host batches are copied from: the normalised images (on a padded canvas when shifts
 * are on), the targets and the labels. With `shared`, they live in SharedArrayBuffers, so the
 * data-parallel workers read the same tables without a copy each.
 */
export interface BatchTables {
  count: number;
  maxShift: number;
  images: Float32Array;
  targets: Float32Array;
  labels: Uint8Array;
}

/** Rows of one batch, written into caller-owned arrays (x: rows × 784, targets: rows × 10). */
export interface BatchRows {
  x: Float32Array;
  targets: Float32Array;
  labels: Int32Array;
}

function inSharedMemory<T extends Float32Array | Uint8Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

export function buildBatchTables(dataset: Dataset, options: BatchOptions = {}, shared = false): BatchTables {
  const maxShift = options.maxShift ?? 0;
  const normalized = dataset.normalized();
  const images = maxShift > 0 ? padImages(normalized, dataset.count, maxShift) : normalized;
  const targets = smoothedTargets(dataset, options.labelSmoothing ?? 0);
  const labels = dataset.labels;
  return shared
    ? { count: dataset.count, maxShift, images: inSharedMemory(images), targets: inSharedMemory(targets), labels: inSharedMemory(labels) }
    : { count: dataset.count, maxShift, images, targets, labels };
}

/**
 * Each sample's shift for a batch, drawn in the order `HostBatches.batch` draws them (for each
 * sample, vertical then horizontal), so a batch built from pre-drawn shifts is the same batch.
 */
export function drawShifts(rng: Rng | undefined, samples: number, maxShift: number, into: Int8Array<ArrayBufferLike> = new Int8Array(2 * samples)): Int8Array<ArrayBufferLike> {
  if (maxShift > 0) for (let i = 0; i < 2 * samples; i++) into[i] = drawShift(rng, maxShift);
  return into;
}

/** Copies the samples at `indices`, translated by `shifts` (2 per sample), into `rows`. */
export function copyRows(tables: BatchTables, indices: Int32Array, shifts: Int8Array, rows: BatchRows): void {
  const pad = tables.maxShift;
  const side = IMAGE_SIDE + 2 * pad;
  const { x, targets, labels } = rows;
  indices.forEach((n, i) => {
    if (pad > 0) {
      const origin = shiftedOrigin(n, pad, shifts[2 * i], shifts[2 * i + 1]);
      for (let r = 0; r < IMAGE_SIDE; r++) {
        const from = origin + r * side;
        x.set(tables.images.subarray(from, from + IMAGE_SIDE), i * PIXELS + r * IMAGE_SIDE);
      }
    } else {
      x.set(tables.images.subarray(n * PIXELS, (n + 1) * PIXELS), i * PIXELS);
    }
    targets.set(tables.targets.subarray(n * NUM_CLASSES, (n + 1) * NUM_CLASSES), i * NUM_CLASSES);
    labels[i] = tables.labels[n];
  });
}

/** Fresh arrays for a batch of `size` rows. */
export const allocateRows = (size: number): BatchRows => ({
  x: new Float32Array(size * PIXELS),
  targets: new Float32Array(size * NUM_CLASSES),
  labels: new Int32Array(size),
});

/**
 * The dataset kept in JavaScript typed arrays; each batch is assembled with row copies and
 * uploaded. For the wasm and cpu backends, whose tensors live in host memory anyway: there
 * the backend's gather runs ~20 ns per element (3–4 ms for a 200-image batch, a third of a
 * step) and slicing copies the whole source tensor, while copying rows here takes ~0.2 ms.
 */
export class HostBatches implements BatchSource {
  readonly count: number;
  readonly tables: BatchTables;

  constructor(dataset: Dataset, options: BatchOptions = {}, { shared = false }: { shared?: boolean } = {}) {
    this.count = dataset.count;
    this.tables = buildBatchTables(dataset, options, shared);
  }

  batch(indices: Int32Array, rng?: Rng): Batch {
    const size = indices.length;
    const rows = allocateRows(size);
    copyRows(this.tables, indices, drawShifts(rng, size, this.tables.maxShift), rows);
    return {
      x: tf.tensor2d(rows.x, [size, PIXELS]),
      targets: tf.tensor2d(rows.targets, [size, NUM_CLASSES]),
      labels: tf.tensor1d(rows.labels, 'int32'),
    };
  }

  dispose(): void {
    // Nothing lives on the backend between batches.
  }
}
