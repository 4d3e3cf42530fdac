import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, NUM_CLASSES, PIXELS, type Dataset, type Rng } from '@mnist-onnx/mnist';
import { drawShift, padImages, shiftedOrigin, smoothedTargets, type Batch, type BatchOptions, type BatchSource } from './batch-source.js';

/**
 * The dataset kept in JavaScript typed arrays; each batch is assembled with row copies and
 * uploaded. For the wasm and cpu backends, whose tensors live in host memory anyway: there
 * the backend's gather runs ~20 ns per element (3–4 ms for a 200-image batch, a third of a
 * step) and slicing copies the whole source tensor, while copying rows here takes ~0.2 ms.
 */
export class HostBatches implements BatchSource {
  readonly count: number;
  private readonly maxShift: number;
  private readonly images: Float32Array;
  private readonly targets: Float32Array;
  private readonly labels: Uint8Array;

  constructor(dataset: Dataset, options: BatchOptions = {}) {
    this.count = dataset.count;
    this.maxShift = options.maxShift ?? 0;
    const normalized = dataset.normalized();
    this.images = this.maxShift > 0 ? padImages(normalized, dataset.count, this.maxShift) : normalized;
    this.targets = smoothedTargets(dataset, options.labelSmoothing ?? 0);
    this.labels = dataset.labels;
  }

  batch(indices: Int32Array, rng?: Rng): Batch {
    const size = indices.length;
    const x = new Float32Array(size * PIXELS);
    const targets = new Float32Array(size * NUM_CLASSES);
    const labels = new Int32Array(size);
    const pad = this.maxShift;
    const side = IMAGE_SIDE + 2 * pad;
    indices.forEach((n, i) => {
      if (pad > 0) {
        const dy = drawShift(rng, pad);
        const dx = drawShift(rng, pad);
        const origin = shiftedOrigin(n, pad, dy, dx);
        for (let r = 0; r < IMAGE_SIDE; r++) {
          const from = origin + r * side;
          x.set(this.images.subarray(from, from + IMAGE_SIDE), i * PIXELS + r * IMAGE_SIDE);
        }
      } else {
        x.set(this.images.subarray(n * PIXELS, (n + 1) * PIXELS), i * PIXELS);
      }
      targets.set(this.targets.subarray(n * NUM_CLASSES, (n + 1) * NUM_CLASSES), i * NUM_CLASSES);
      labels[i] = this.labels[n];
    });
    return {
      x: tf.tensor2d(x, [size, PIXELS]),
      targets: tf.tensor2d(targets, [size, NUM_CLASSES]),
      labels: tf.tensor1d(labels, 'int32'),
    };
  }

  dispose(): void {
    // Nothing lives on the backend between batches.
  }
}
