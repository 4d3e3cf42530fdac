import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, NUM_CLASSES, PIXELS, type Dataset, type Rng } from '@mnist-onnx/mnist';
import { drawShift, padImages, shiftedOrigin, smoothedTargets, type Batch, type BatchOptions, type BatchSource } from './batch-source.js';

/**
 * The dataset uploaded once to the backend; a step uploads only its indices and gathers its
 * batch there. Right for GPU backends, whose memory is not the host's. With shifts, the images
 * sit padded on a canvas and every pixel is gathered from its shifted position.
 */
export class DeviceBatches implements BatchSource {
  readonly count: number;
  private readonly maxShift: number;
  private readonly images: tf.Tensor;
  private readonly targets: tf.Tensor2D;
  private readonly labels: tf.Tensor1D;

  constructor(dataset: Dataset, options: BatchOptions = {}) {
    this.count = dataset.count;
    this.maxShift = options.maxShift ?? 0;
    const normalized = dataset.normalized();
    this.images = this.maxShift > 0
      ? tf.tensor1d(padImages(normalized, dataset.count, this.maxShift))
      : tf.tensor2d(normalized, [dataset.count, PIXELS]);
    this.targets = tf.tensor2d(smoothedTargets(dataset, options.labelSmoothing ?? 0), [dataset.count, NUM_CLASSES]);
    this.labels = tf.tensor1d(Int32Array.from(dataset.labels), 'int32');
  }

  batch(indices: Int32Array, rng?: Rng): Batch {
    const index = tf.tensor1d(indices, 'int32');
    const x = this.maxShift > 0
      ? tf.gather(this.images, tf.tensor1d(this.pixelIndices(indices, rng), 'int32')).reshape<tf.Tensor2D>([indices.length, PIXELS])
      : tf.gather(this.images as tf.Tensor2D, index);
    return { x, targets: tf.gather(this.targets, index), labels: tf.gather(this.labels, index) };
  }

  private pixelIndices(indices: Int32Array, rng: Rng | undefined): Int32Array {
    const pad = this.maxShift;
    const side = IMAGE_SIDE + 2 * pad;
    const out = new Int32Array(indices.length * PIXELS);
    let k = 0;
    for (const n of indices) {
      const dy = drawShift(rng, pad);
      const dx = drawShift(rng, pad);
      const origin = shiftedOrigin(n, pad, dy, dx);
      for (let r = 0; r < IMAGE_SIDE; r++) {
        for (let c = 0; c < IMAGE_SIDE; c++) out[k++] = origin + r * side + c;
      }
    }
    return out;
  }

  dispose(): void {
    this.images.dispose();
    this.targets.dispose();
    this.labels.dispose();
  }
}
