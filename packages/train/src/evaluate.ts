import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES, PIXELS, type Dataset } from '@mnist-onnx/mnist';
import { forward, type FastMlpConfig } from './fast-mlp.js';
import type { DenseParams } from './model.js';

/**
 * The test set on the backend, evaluated in one pass: the mean loss against plain one-hot
 * targets (the seed's "Average loss") and the number of correct argmaxes.
 */
export class TestSet {
  readonly count: number;
  private readonly x: tf.Tensor2D;
  private readonly targets: tf.Tensor2D;
  private readonly labels: tf.Tensor1D;

  constructor(dataset: Dataset) {
    this.count = dataset.count;
    this.x = tf.tensor2d(dataset.normalized(), [dataset.count, PIXELS]);
    this.labels = tf.tensor1d(Int32Array.from(dataset.labels), 'int32');
    this.targets = tf.oneHot(this.labels, NUM_CLASSES).toFloat() as tf.Tensor2D;
  }

  async evaluate(params: DenseParams[], config: FastMlpConfig): Promise<{ loss: number; correct: number }> {
    const result = tf.tidy(() => {
      const outputs = forward(params, config, this.x);
      const losses = config.loss === 'mse'
        ? tf.mean(tf.square(tf.sub(outputs, this.targets)))
        : tf.div(tf.neg(tf.sum(tf.mul(this.targets, tf.logSoftmax(outputs)))), this.count);
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(outputs, 1), this.labels), 'float32'));
      return tf.stack([losses, correct]);
    });
    const [loss, correct] = await result.data();
    result.dispose();
    return { loss, correct: Math.round(correct) };
  }

  dispose(): void {
    tf.dispose([this.x, this.targets, this.labels]);
  }
}
