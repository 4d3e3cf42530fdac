import * as tf from '@tensorflow/tfjs';
import type { ActivationName, FinalActivation, Hyperparameters, InitName } from './hyperparameters.js';

/** One Dense layer as the fast training step sees it: its own variables, shared with the model. */
export interface DenseParams {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** The activation after a Dense layer, as the fast step applies and differentiates it. */
export type LayerActivation = ActivationName | 'linear';

type DenseActivation = 'relu' | 'selu' | 'softplus' | 'linear';

/**
 * The seed's MLP as a standard tfjs LayersModel (784 → 200 → 200 → 10), so it saves as
 * model.json + weights and loads with `tf.loadLayersModel`. Leaky ReLU is not a Dense
 * activation in tfjs; it becomes a LeakyReLU layer after a linear Dense, keeping its alpha.
 */
export function buildModel(hp: Hyperparameters): tf.Sequential {
  const model = tf.sequential({ name: 'mnist_mlp' });
  const widths = [...hp.hiddenUnits, hp.outputUnits];
  let fanIn = hp.inputUnits;
  widths.forEach((units, i) => {
    const last = i === widths.length - 1;
    const activation = last ? finalLayerActivation(hp.finalActivation) : hp.activation;
    model.add(tf.layers.dense({
      name: `dense_${i + 1}`,
      units,
      activation: toDenseActivation(activation),
      kernelInitializer: kernelInitializer(hp.init, fanIn, hp.seed * 100 + i + 1),
      biasInitializer: 'zeros',
      ...(i === 0 ? { inputShape: [hp.inputUnits] } : {}),
    }));
    if (activation === 'leaky-relu') model.add(tf.layers.leakyReLU({ name: `leaky_re_lu_${i + 1}`, alpha: hp.leakyAlpha }));
    fanIn = units;
  });
  return model;
}

export function finalLayerActivation(final: FinalActivation): LayerActivation {
  return final === 'relu' ? 'relu' : 'linear';
}

/** The activation after each Dense layer, in order. */
export function layerActivations(hp: Hyperparameters): LayerActivation[] {
  return [...hp.hiddenUnits.map(() => hp.activation), finalLayerActivation(hp.finalActivation)];
}

function toDenseActivation(activation: LayerActivation): DenseActivation {
  return activation === 'leaky-relu' ? 'linear' : activation;
}

/**
 * Kaiming-normal is PyTorch's `kaiming_normal_` (fan-in, gain √2): a plain normal with
 * std √(2 / fan_in) — not tfjs's `heNormal`, which truncates at two standard deviations.
 * Seeded, so a given `--seed` always starts from the same weights.
 */
function kernelInitializer(init: InitName, fanIn: number, seed: number) {
  if (init === 'glorot-uniform') return tf.initializers.glorotUniform({ seed });
  return tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fanIn), seed });
}

/** The kernel and bias variables of each Dense layer, in order. */
export function denseParams(model: tf.LayersModel): DenseParams[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'Dense')
    .map((layer) => {
      const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      return { kernel, bias };
    });
}

/** Every weight variable in the order `model.getWeights()` lists them (kernel, bias, …). */
export function flatParams(model: tf.LayersModel): tf.Variable[] {
  return denseParams(model).flatMap((p) => [p.kernel, p.bias]);
}
