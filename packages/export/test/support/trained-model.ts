import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { saveTfjsModel } from './tfjs-models.js';

/**
 * A small MLP 784 → `hidden` (relu) → 10 really trained on the given images (normalised
 * pixels, [count, 784]): quantisation is only meaningful on a model that has learned
 * something, and an untrained one sits at chance where no accuracy can drop. Seeded weights,
 * no shuffling: the same backend gives the same model every run. About 3 s on tfjs's cpu
 * backend with 8,004 images, 3 epochs, hidden 32.
 */
export async function trainSmallModel(images: Float32Array, labels: Uint8Array, options: { hidden?: number; epochs?: number; seed?: number } = {}): Promise<tf.Sequential> {
  const hidden = options.hidden ?? 32;
  const seed = options.seed ?? 3;
  const model = tf.sequential();
  model.add(tf.layers.dense({ name: 'dense_1', units: hidden, activation: 'relu', inputShape: [784], kernelInitializer: tf.initializers.glorotNormal({ seed }) }));
  model.add(tf.layers.dense({ name: 'dense_2', units: 10, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }));
  // Cross-entropy on the logits themselves, so the model saved is the logits model.
  model.compile({ optimizer: tf.train.adam(2e-3), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
  // The embedded split is stored digit by digit: shuffle once, with a seeded permutation, so
  // that batches mix the classes and the run stays reproducible (fit's own shuffle is not seeded).
  const order = seededPermutation(labels.length, seed);
  const shuffled = new Float32Array(images.length);
  order.forEach((from, to) => shuffled.set(images.subarray(from * 784, (from + 1) * 784), to * 784));
  const x = tf.tensor2d(shuffled, [labels.length, 784]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(order, (from) => labels[from]), 'int32'), 10);
  try {
    await model.fit(x, y, { epochs: options.epochs ?? 3, batchSize: 64, shuffle: false, verbose: 0 });
  } finally {
    x.dispose();
    y.dispose();
  }
  return model;
}

/** The project's seeded shuffle, started from the raw state `seed` (the same order every run). */
const seededPermutation = (n: number, seed: number): Uint32Array => shuffleInPlace(Uint32Array.from({ length: n }, (_, i) => i), createRng(0, seed));

/** trainSmallModel on the embedded training split, saved as tfjs files in `dir` (what `pnpm export --in` reads). */
export async function saveTrainedSmallModel(dir: string): Promise<string> {
  const { train } = await loadDataset('embedded');
  const model = await trainSmallModel(train.normalized(), train.labels);
  try {
    return await saveTfjsModel(model, dir);
  } finally {
    model.dispose();
  }
}
