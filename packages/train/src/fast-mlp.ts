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
 * - On wasm, a layer whose batch is small against its width runs feature-major, so that XNNPACK
 *   packs the batch rather than the weights (featureMajorLayers).
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

/**
 * XNNPACK (the wasm backend) multiplies A·B by first packing B into its own layout, ~2.1 ns a
 * float, unless it has packed that very tensor before; a transpose costs ~0.6 ns a float
 * (bench/NOTES.md). The weights are new tensors every step, so batch-major every weight matrix
 * is packed anew, whatever the batch. A layer computed feature-major, zᵀ = Wᵀ·hᵀ, packs its
 * input activations (inputs × rows) instead and transposes the weights (inputs × units): the
 * cheaper one when rows·PACK < units·(PACK − TRANSPOSE). A data-parallel worker's 100-row shard
 * is such a case (its step ~0.15 ms shorter); 200 rows are not. Other backends pack nothing.
 */
const PACK_NS_PER_FLOAT = 2.1;
const TRANSPOSE_NS_PER_FLOAT = 0.6;

/** For each layer, whether the step computes it feature-major for a batch of `rows`. */
export function featureMajorLayers(params: DenseParams[], rows: number): boolean[] {
  const packs = tf.getBackend() === 'wasm';
  return params.map((p) => packs && rows * PACK_NS_PER_FLOAT < p.kernel.shape[1]! * (PACK_NS_PER_FLOAT - TRANSPOSE_NS_PER_FLOAT));
}

/**
 * One layer's batch of activations, or of their gradients, held in the layout it was computed
 * in (rows × features, or features × rows); the other layout is made once, when asked for.
 */
class LayerMatrix {
  private constructor(readonly isFeatureMajor: boolean, private byRows?: tf.Tensor2D, private byFeatures?: tf.Tensor2D) {}
  static rowMajor(t: tf.Tensor2D): LayerMatrix { return new LayerMatrix(false, t, undefined); }
  static featureMajor(t: tf.Tensor2D): LayerMatrix { return new LayerMatrix(true, undefined, t); }
  /** rows × features. */
  get rows(): tf.Tensor2D { return (this.byRows ??= tf.transpose(this.byFeatures!)); }
  /** features × rows. */
  get features(): tf.Tensor2D { return (this.byFeatures ??= tf.transpose(this.byRows!)); }
}

function activate(z: tf.Tensor2D, activation: LayerActivation, alpha: number): tf.Tensor2D {
  switch (activation) {
    case 'relu': return tf.relu(z);
    case 'leaky-relu': return tf.leakyRelu(z, alpha);
    case 'selu': return tf.selu(z);
    case 'softplus': return tf.softplus(z);
    case 'linear': return z;
  }
}

/** Batch-major: bias and ReLU fused into the product where tfjs can. */
function denseRowMajor(x: tf.Tensor2D, p: DenseParams, activation: LayerActivation, alpha: number): tf.Tensor2D {
  const a = x;
  const b = p.kernel as tf.Tensor2D;
  switch (activation) {
    case 'relu':
      return tf.fused.matMul({ a, b, bias: p.bias, activation: 'relu' }) as tf.Tensor2D;
    case 'leaky-relu':
      return tf.fused.matMul({ a, b, bias: p.bias, activation: 'leakyrelu', leakyreluAlpha: alpha }) as tf.Tensor2D;
    default:
      return activate(tf.fused.matMul({ a, b, bias: p.bias }) as tf.Tensor2D, activation, alpha);
  }
}

/** Feature-major: the bias is a column, which tfjs cannot fuse. */
function denseFeatureMajor(xT: tf.Tensor2D, p: DenseParams, activation: LayerActivation, alpha: number): tf.Tensor2D {
  const z = tf.add(tf.matMul(tf.transpose(p.kernel), xT), tf.reshape(p.bias, [-1, 1])) as tf.Tensor2D;
  return activate(z, activation, alpha);
}

/** d(loss)/d(pre-activation) from d(loss)/d(output) and the output itself (in the same layout). */
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

/** Activations of every layer: [input, hidden₁, …, output], each in the layout its layer chose. */
function forwardLayers(params: DenseParams[], config: FastMlpConfig, x: tf.Tensor2D): LayerMatrix[] {
  const featureMajor = featureMajorLayers(params, x.shape[0]);
  const outs = [LayerMatrix.rowMajor(x)];
  params.forEach((p, i) => {
    const [activation, alpha] = [config.activations[i], config.leakyAlpha];
    outs.push(featureMajor[i]
      ? LayerMatrix.featureMajor(denseFeatureMajor(outs[i].features, p, activation, alpha))
      : LayerMatrix.rowMajor(denseRowMajor(outs[i].rows, p, activation, alpha)));
  });
  return outs;
}

/** The network's output for a batch (what `model.predict` returns). Call inside `tf.tidy`. */
export function forward(params: DenseParams[], config: FastMlpConfig, x: tf.Tensor2D): tf.Tensor2D {
  return forwardLayers(params, config, x).at(-1)!.rows;
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
  const outs = forwardLayers(params, config, x);
  const outputs = outs.at(-1)!.rows;
  const { loss, grad: outputGrad } = lossAndGradient(outputs, targets, config.loss, batch);
  const grads: tf.Tensor[] = new Array(params.length * 2);
  // Bias gradients as ones[1×B]·δ on XNNPACK rather than a Sum over axis 0: 0.044 against
  // 0.117 ms for a 200×200 δ on wasm (a ~1% smaller step; bench/NOTES.md).
  const ones = tf.ones([1, x.shape[0]]) as tf.Tensor2D;
  // d(loss)/d(layer output), in the layout the layer above produced it.
  let grad = LayerMatrix.rowMajor(outputGrad);
  for (let i = params.length - 1; i >= 0; i--) {
    const [activation, alpha, out] = [config.activations[i], config.leakyAlpha, outs[i + 1]];
    const pre = grad.isFeatureMajor
      ? LayerMatrix.featureMajor(activationBackward(grad.features, out.features, activation, alpha))
      : LayerMatrix.rowMajor(activationBackward(grad.rows, out.rows, activation, alpha));
    grads[2 * i] = tf.matMul(outs[i].features, pre.rows);
    grads[2 * i + 1] = tf.reshape(tf.matMul(ones, pre.rows), [pre.rows.shape[1]]);
    // The images need no gradient: stop at the first layer. A feature-major layer packs δᵀ
    // (units × rows) here rather than its transposed weights.
    if (i > 0) {
      grad = out.isFeatureMajor
        ? LayerMatrix.featureMajor(tf.matMul(params[i].kernel, pre.features))
        : LayerMatrix.rowMajor(tf.matMul(pre.rows, tf.transpose(params[i].kernel)));
    }
  }
  return { loss, outputs, grads };
}
