import * as tf from '@tensorflow/tfjs';
import type { LossName } from './hyperparameters.js';
import type { DenseParams, LayerActivation } from './model.js';

/**
 * The training step's fast path: the MLP's forward and backward passes written out by hand
 * over the model's own weight variables, instead of tfjs autodiff. Two reasons, both measured
 * (bench/NOTES.md):
 * - tfjs's matMul gradients use transposed products, which the wasm backend computes in a
 *   scalar loop (~2.3 GFLOP/s) instead of XNNPACK (~30 GFLOP/s). Here every product is
 *   untransposed, with explicit `tf.transpose`s.
 * - Without a gradient tape, `tf.fused.matMul` really fuses bias and activation, and no
 *   gradient is computed for the input images.
 * The activation derivatives are taken from each layer's output, so no pre-activation is kept.
 * test/fast-path.test.ts checks losses and gradients against `tf.grad` on the same model.
 */
export interface FastMlpConfig {
  activations: LayerActivation[];
  leakyAlpha: number;
  loss: LossName;
}

// SELU's constants, as in tfjs and PyTorch.
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

export interface StepResult {
  /** Mean loss over the batch. */
  loss: tf.Scalar;
  /** Network outputs (after the final activation), batch × classes. */
  outputs: tf.Tensor2D;
  /** Gradients of the loss, in the order kernel₁, bias₁, kernel₂, …. */
  grads: tf.Tensor[];
}

function denseForward(x: tf.Tensor2D, p: DenseParams, activation: LayerActivation, alpha: number): tf.Tensor2D {
  const a = x;
  const b = p.kernel as tf.Tensor2D;
  switch (activation) {
    case 'relu':
      return tf.fused.matMul({ a, b, bias: p.bias, activation: 'relu' }) as tf.Tensor2D;
    case 'leaky-relu':
      return tf.fused.matMul({ a, b, bias: p.bias, activation: 'leakyrelu', leakyreluAlpha: alpha }) as tf.Tensor2D;
    case 'selu':
      return tf.selu(tf.fused.matMul({ a, b, bias: p.bias })) as tf.Tensor2D;
    case 'softplus':
      return tf.softplus(tf.fused.matMul({ a, b, bias: p.bias })) as tf.Tensor2D;
    case 'linear':
      return tf.fused.matMul({ a, b, bias: p.bias }) as tf.Tensor2D;
  }
}

/** d(loss)/d(pre-activation) from d(loss)/d(output) and the output itself. */
function activationBackward(grad: tf.Tensor2D, out: tf.Tensor2D, activation: LayerActivation, alpha: number): tf.Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.mul(grad, tf.step(out, 0));
    case 'leaky-relu':
      // out > 0 exactly where the input was > 0 (alpha > 0), so step(out, alpha) is the slope.
      return tf.mul(grad, tf.step(out, alpha));
    case 'selu':
      // For z ≤ 0: selu'(z) = scale·alpha·e^z = out + scale·alpha.
      return tf.mul(grad, tf.where(tf.greater(out, 0), tf.scalar(SELU_SCALE), tf.add(out, SELU_SCALE * SELU_ALPHA)));
    case 'softplus':
      // softplus'(z) = sigmoid(z) = 1 − e^(−out).
      return tf.mul(grad, tf.sub(1, tf.exp(tf.neg(out))));
    case 'linear':
      return grad;
  }
}

/** Outputs of every layer: [input, hidden₁, …, output]. */
export function forwardAll(params: DenseParams[], config: FastMlpConfig, x: tf.Tensor2D): tf.Tensor2D[] {
  const outs = [x];
  params.forEach((p, i) => outs.push(denseForward(outs[i], p, config.activations[i], config.leakyAlpha)));
  return outs;
}

/** The network's output for a batch (what `model.predict` returns). Call inside `tf.tidy`. */
export function forward(params: DenseParams[], config: FastMlpConfig, x: tf.Tensor2D): tf.Tensor2D {
  return forwardAll(params, config, x).at(-1)!;
}

/**
 * Mean loss over the batch and its gradient with respect to the outputs.
 * cross-entropy: softmax cross-entropy on the outputs against (possibly smoothed) targets;
 * mse: mean over batch × classes of (output − target)², as PyTorch's `MSELoss`.
 * `batch` is the size the mean divides by: the rows given, unless they are one worker's shard
 * of a larger batch, whose shards' losses and gradients then add up to the whole batch's.
 */
export function lossAndGradient(outputs: tf.Tensor2D, targets: tf.Tensor2D, loss: LossName, batch = outputs.shape[0]): { loss: tf.Scalar; grad: tf.Tensor2D } {
  if (loss === 'mse') {
    const diff = tf.sub(outputs, targets);
    const count = batch * outputs.shape[1];
    return { loss: tf.div(tf.sum(tf.square(diff)), count), grad: tf.mul(diff, 2 / count) };
  }
  const logProbs = tf.logSoftmax(outputs);
  return {
    loss: tf.div(tf.neg(tf.sum(tf.mul(targets, logProbs))), batch),
    grad: tf.div(tf.sub(tf.exp(logProbs), targets), batch),
  };
}

/**
 * Forward and backward for one batch, or for a shard of `batch` rows of it (see lossAndGradient).
 * Call inside `tf.tidy`.
 */
export function lossAndGradients(params: DenseParams[], config: FastMlpConfig, x: tf.Tensor2D, targets: tf.Tensor2D, batch = x.shape[0]): StepResult {
  const outs = forwardAll(params, config, x);
  const outputs = outs.at(-1)!;
  const { loss, grad: outputGrad } = lossAndGradient(outputs, targets, config.loss, batch);
  const grads: tf.Tensor[] = new Array(params.length * 2);
  // Bias gradients as ones[1×B]·δ on XNNPACK rather than a Sum over axis 0: 0.044 against
  // 0.117 ms for a 200×200 δ on wasm (a ~1% smaller step; bench/NOTES.md).
  const ones = tf.ones([1, x.shape[0]]) as tf.Tensor2D;
  let grad = outputGrad;
  for (let i = params.length - 1; i >= 0; i--) {
    const pre = activationBackward(grad, outs[i + 1], config.activations[i], config.leakyAlpha);
    grads[2 * i] = tf.matMul(tf.transpose(outs[i]), pre);
    grads[2 * i + 1] = tf.reshape(tf.matMul(ones, pre), [pre.shape[1]]);
    // The images need no gradient: stop at the first layer.
    if (i > 0) grad = tf.matMul(pre, tf.transpose(params[i].kernel));
  }
  return { loss, outputs, grads };
}
