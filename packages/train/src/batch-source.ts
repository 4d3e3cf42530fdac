import type * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, MNIST_MEAN, MNIST_STD, NUM_CLASSES, type Dataset, type Rng } from '@mnist-onnx/mnist';

export interface BatchOptions {
  /** Random translation by up to ±maxShift pixels per image (training only). */
  maxShift?: number;
  /** Target smoothing (see Hyperparameters.labelSmoothing). */
  labelSmoothing?: number;
}

export interface Batch {
  x: tf.Tensor2D;
  targets: tf.Tensor2D;
  labels: tf.Tensor1D;
}

/**
 * Where a step's batch comes from. Both implementations give identical batches for the same
 * indices and RNG (test/batch-source.test.ts); they differ in where the gathering happens.
 */
export interface BatchSource {
  readonly count: number;
  /**
   * The samples at `indices`, in that order. With shifts enabled, `rng` draws each sample's
   * offset (vertical, then horizontal) from −maxShift to +maxShift. Call inside `tf.tidy`.
   */
  batch(indices: Int32Array, rng?: Rng): Batch;
  dispose(): void;
}

/** The normalised value of a black pixel: what shifted-in borders are filled with. */
export const BACKGROUND = (0 - MNIST_MEAN) / MNIST_STD;

export function drawShift(rng: Rng | undefined, maxShift: number): number {
  return rng ? Math.floor(rng.next() * (2 * maxShift + 1)) - maxShift : 0;
}

/** Normalised images on a (28 + 2·pad)² canvas of background, `pad` pixels from each edge. */
export function padImages(normalized: Float32Array, count: number, pad: number): Float32Array {
  const side = IMAGE_SIDE + 2 * pad;
  const out = new Float32Array(count * side * side).fill(BACKGROUND);
  for (let n = 0; n < count; n++) {
    for (let r = 0; r < IMAGE_SIDE; r++) {
      const src = (n * IMAGE_SIDE + r) * IMAGE_SIDE;
      out.set(normalized.subarray(src, src + IMAGE_SIDE), n * side * side + (r + pad) * side + pad);
    }
  }
  return out;
}

/**
 * The canvas offset from which sample `n`, translated by (dy, dx), is read: output pixel
 * (r, c) shows input pixel (r − dy, c − dx), at canvas (r − dy + pad, c − dx + pad).
 */
export function shiftedOrigin(n: number, pad: number, dy: number, dx: number): number {
  const side = IMAGE_SIDE + 2 * pad;
  return n * side * side + (pad - dy) * side + (pad - dx);
}

/** One-hot targets with smoothing s: 1 − s + s/10 for the label, s/10 elsewhere. */
export function smoothedTargets(dataset: Dataset, smoothing: number): Float32Array {
  const targets = new Float32Array(dataset.count * NUM_CLASSES).fill(smoothing / NUM_CLASSES);
  dataset.labels.forEach((label, i) => (targets[i * NUM_CLASSES + label] += 1 - smoothing));
  return targets;
}
