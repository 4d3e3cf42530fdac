import * as tf from '@tensorflow/tfjs';
import { PIXELS, type Dataset } from '@mnist-onnx/mnist';
import { DivergenceError } from './errors.js';
import { forward, type FastMlpConfig } from './fast-mlp.js';
import type { DenseParams } from './model.js';

/** Test images the model is run on after each epoch to see that it still tells them apart. */
const PROBE_IMAGES = 256;
/** Outputs that differ by less than this over every probe image count as one constant output. */
const CONSTANT_OUTPUT = 1e-6;

/**
 * Throws DivergenceError when the epoch left a model that no longer learns, whatever the preset:
 * a non-finite loss, non-finite outputs, or the same output for every image (every ReLU of a
 * layer dead, as `--lr 1e9` leaves it: the model is stuck at one class, 10%, and no further
 * epoch can move it, since a dead unit has no gradient).
 */
export async function assertNotDiverged(epoch: number, trainLoss: number, params: DenseParams[], config: FastMlpConfig, testSet: Dataset): Promise<void> {
  const advice = 'try a lower --lr';
  if (!Number.isFinite(trainLoss)) throw new DivergenceError(`training diverged in epoch ${epoch}: the loss is ${trainLoss} (${advice})`);
  const probe = testSet.select(Array.from({ length: Math.min(PROBE_IMAGES, testSet.count) }, (_, i) => Math.floor((i * testSet.count) / Math.min(PROBE_IMAGES, testSet.count))));
  const spread = tf.tidy(() => {
    const outputs = forward(params, config, tf.tensor2d(probe.normalized(), [probe.count, PIXELS]));
    const finite = tf.all(tf.isFinite(outputs));
    const range = tf.max(tf.sub(tf.max(outputs, 0), tf.min(outputs, 0)));
    return tf.stack([tf.cast(finite, 'float32'), range]);
  });
  const [finite, range] = await spread.data();
  spread.dispose();
  if (!finite) throw new DivergenceError(`training diverged in epoch ${epoch}: the model's outputs are not finite (${advice})`);
  if (probe.count > 1 && range < CONSTANT_OUTPUT) {
    throw new DivergenceError(`training diverged in epoch ${epoch}: the model gives the same output for every image (its units died; ${advice})`);
  }
}
