import * as tf from '@tensorflow/tfjs';
import { Dataset, MNIST_MEAN, MNIST_STD, PIXELS } from '@mnist-onnx/mnist';
import { forward, type DenseParams, type FastMlpConfig, type Hyperparameters } from '@mnist-onnx/train/browser';
import type { HandwritingExample } from './examples-store.js';

/**
 * How many times each of the user's examples is repeated in the fine-tuning set: a handful of
 * drawings among 8,004 MNIST digits would barely move the weights; repeated, they weigh like
 * a few hundred digits, while MNIST keeps the model reading everyone else's handwriting.
 */
export const EXAMPLE_REPEATS = 40;

/** MNIST's training split plus the user's examples, each repeated EXAMPLE_REPEATS times. */
export function fineTuneSet(train: Dataset, fit: HandwritingExample[]): Dataset {
  const extra = fit.length * EXAMPLE_REPEATS;
  const images = new Uint8Array((train.count + extra) * PIXELS);
  const labels = new Uint8Array(train.count + extra);
  images.set(train.images);
  labels.set(train.labels);
  let n = train.count;
  for (let r = 0; r < EXAMPLE_REPEATS; r++) {
    for (const example of fit) {
      images.set(example.pixels, n * PIXELS);
      labels[n++] = example.label;
    }
  }
  return new Dataset(images, labels);
}

/**
 * The fine-tuning recipe: the preset's, for one short pass at a tenth of its peak learning rate
 * with a constant schedule, so the weights move toward the user's style without forgetting MNIST.
 */
export const fineTuneHyperparameters = (hp: Hyperparameters, epochs: number): Hyperparameters => ({ ...hp, epochs, lr: hp.lr / 10, schedule: 'constant' });

/** How many held-out drawings the model reads right (tfjs, the same forward pass as training). */
export async function holdoutCorrect(params: DenseParams[], config: FastMlpConfig, holdout: HandwritingExample[]): Promise<number> {
  if (holdout.length === 0) return 0;
  const x = new Float32Array(holdout.length * PIXELS);
  holdout.forEach((e, i) => e.pixels.forEach((p, j) => (x[i * PIXELS + j] = (p / 255 - MNIST_MEAN) / MNIST_STD)));
  const predicted = tf.tidy(() => tf.argMax(forward(params, config, tf.tensor2d(x, [holdout.length, PIXELS])), 1));
  const labels = await predicted.data();
  predicted.dispose();
  return holdout.reduce((n, e, i) => n + (labels[i] === e.label ? 1 : 0), 0);
}
