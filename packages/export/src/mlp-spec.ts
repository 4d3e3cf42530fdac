import { NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import { UnsupportedModelError, WeightShapeError } from './errors.js';
import type { Weight } from './weight.js';
import type { LayerChain, LayerConfig } from './topology.js';

/** The element-wise activations the ONNX graph can express (opset 13 ops). */
export type Activation =
  | { type: 'relu' }
  | { type: 'leakyRelu'; alpha: number }
  | { type: 'selu' }
  | { type: 'softplus' }
  | { type: 'sigmoid' }
  | { type: 'tanh' }
  | { type: 'softmax' };

/** A fully connected layer: y = x · kernel + bias, kernel stored [inputs, units] row-major. */
export interface DenseStep {
  kind: 'dense';
  /** The tfjs layer name, reused for ONNX node and initializer names. */
  name: string;
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array | undefined;
}

export interface ActivationStep {
  kind: 'activation';
  name: string;
  activation: Activation;
}

export type Step = DenseStep | ActivationStep;

/** A model reduced to what ONNX needs: 784 inputs, then Dense and activation steps. */
export interface MlpSpec {
  inputs: number;
  outputs: number;
  steps: Step[];
}

export const SUPPORTED_LAYERS = ['InputLayer', 'Flatten', 'Reshape', 'Dense', 'Activation', 'LeakyReLU', 'ReLU', 'Softmax'] as const;
export const SUPPORTED_ACTIVATIONS = ['relu', 'selu', 'softplus', 'sigmoid', 'tanh', 'softmax', 'linear'] as const;

const supportedText = `supported layers: ${SUPPORTED_LAYERS.join(', ')}; supported activations: ${SUPPORTED_ACTIVATIONS.join(', ')} (leaky ReLU as a LeakyReLU layer)`;

/** tfjs's own default for LeakyReLU's alpha, used when a config omits it. */
const TFJS_LEAKY_RELU_ALPHA = 0.3;

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Walks the layer chain, checks every shape against the weights, and returns the steps the
 * ONNX builder translates. Every weight in the manifest must be used exactly once.
 */
export function buildMlpSpec(file: string, chain: LayerChain, weights: Map<string, Weight>): MlpSpec {
  let shape = chain.inputShape ?? [PIXELS];
  if (product(shape) !== PIXELS) {
    throw new UnsupportedModelError(file, `the model's input shape is ${JSON.stringify(shape)} (${product(shape)} values); an MNIST model takes 784 pixels ([784] or [28, 28])`);
  }
  const used = new Set<string>();
  const steps: Step[] = [];
  for (const layer of chain.layers) {
    switch (layer.className) {
      case 'InputLayer':
        break;
      case 'Flatten':
        shape = [product(shape)];
        break;
      case 'Reshape':
        shape = reshape(file, layer, shape);
        break;
      case 'Dense': {
        const dense = denseStep(file, layer, shape, weights, used);
        steps.push(dense);
        shape = [dense.units];
        const activation = toActivation(file, layer, layer.config.activation ?? 'linear');
        if (activation) steps.push({ kind: 'activation', name: layer.name, activation });
        break;
      }
      case 'Activation': {
        const activation = toActivation(file, layer, layer.config.activation);
        if (activation) steps.push({ kind: 'activation', name: layer.name, activation });
        break;
      }
      case 'LeakyReLU': {
        const alpha = layer.config.alpha ?? layer.config.negative_slope ?? TFJS_LEAKY_RELU_ALPHA;
        if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new UnsupportedModelError(file, `layer "${layer.name}" (LeakyReLU) has an invalid alpha ${JSON.stringify(alpha)}`);
        steps.push({ kind: 'activation', name: layer.name, activation: { type: 'leakyRelu', alpha } });
        break;
      }
      case 'ReLU':
        steps.push({ kind: 'activation', name: layer.name, activation: reluLayer(file, layer) });
        break;
      case 'Softmax': {
        const axis = layer.config.axis ?? -1;
        if (axis !== -1 && axis !== shape.length) throw new UnsupportedModelError(file, `layer "${layer.name}" (Softmax) uses axis ${JSON.stringify(axis)}; only the last axis is supported`);
        steps.push({ kind: 'activation', name: layer.name, activation: { type: 'softmax' } });
        break;
      }
      default:
        throw new UnsupportedModelError(file, `layer "${layer.name}" has class ${layer.className}, which is not supported; ${supportedText}`);
    }
  }
  const unused = [...weights.keys()].filter((name) => !used.has(name));
  if (unused.length) throw new WeightShapeError(file, `weights ${unused.map((n) => `"${n}"`).join(', ')} belong to no layer of the topology; model.json and its weights do not match`);
  if (!steps.some((s) => s.kind === 'dense')) throw new UnsupportedModelError(file, 'the model has no Dense layer');
  if (shape.length !== 1 || shape[0] !== NUM_CLASSES) {
    throw new UnsupportedModelError(file, `the model's output shape is ${JSON.stringify(shape)}; an MNIST classifier outputs [${NUM_CLASSES}] scores`);
  }
  return { inputs: PIXELS, outputs: NUM_CLASSES, steps };
}

function reshape(file: string, layer: LayerConfig, shape: number[]): number[] {
  const target = layer.config.target_shape ?? layer.config.targetShape;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && (d > 0 || d === -1))) {
    throw new UnsupportedModelError(file, `layer "${layer.name}" (Reshape) has an invalid target shape ${JSON.stringify(target)}`);
  }
  const dims = target as number[];
  const known = product(dims.filter((d) => d !== -1));
  const resolved = dims.map((d) => (d === -1 ? product(shape) / known : d));
  if (dims.filter((d) => d === -1).length > 1 || product(resolved) !== product(shape) || !resolved.every(Number.isInteger)) {
    throw new UnsupportedModelError(file, `layer "${layer.name}" (Reshape) cannot reshape ${JSON.stringify(shape)} to ${JSON.stringify(dims)}`);
  }
  return resolved;
}

/** Finds `<layer>/kernel`, also when the saver prefixed a scope (`sequential/<layer>/kernel`). */
function findWeight(weights: Map<string, Weight>, layer: string, kind: string): Weight | undefined {
  const exact = weights.get(`${layer}/${kind}`);
  if (exact) return exact;
  const scoped = [...weights.values()].filter((w) => w.name.endsWith(`/${layer}/${kind}`));
  return scoped.length === 1 ? scoped[0] : undefined;
}

function denseStep(file: string, layer: LayerConfig, shape: number[], weights: Map<string, Weight>, used: Set<string>): DenseStep {
  const { units } = layer.config;
  if (!Number.isInteger(units) || (units as number) < 1) throw new UnsupportedModelError(file, `layer "${layer.name}" (Dense) has an invalid "units" ${JSON.stringify(units)}`);
  if (shape.length !== 1) {
    throw new UnsupportedModelError(file, `layer "${layer.name}" (Dense) receives shape ${JSON.stringify(shape)}; only rank-1 features are supported (add a Flatten layer before it)`);
  }
  const inputs = shape[0];
  const kernel = findWeight(weights, layer.name, 'kernel');
  if (!kernel) throw new WeightShapeError(file, `layer "${layer.name}" (Dense) has no weight "${layer.name}/kernel" in weightsManifest`);
  if (kernel.shape.length !== 2 || kernel.shape[0] !== inputs || kernel.shape[1] !== units) {
    throw new WeightShapeError(file, `weight "${kernel.name}" has shape ${JSON.stringify(kernel.shape)}, but layer "${layer.name}" needs [${inputs},${units}] (${inputs} inputs, ${units} units)`);
  }
  used.add(kernel.name);
  let bias: Float32Array | undefined;
  if (layer.config.use_bias ?? true) {
    const b = findWeight(weights, layer.name, 'bias');
    if (!b) throw new WeightShapeError(file, `layer "${layer.name}" (Dense) uses a bias but there is no weight "${layer.name}/bias" in weightsManifest`);
    if (b.shape.length !== 1 || b.shape[0] !== units) {
      throw new WeightShapeError(file, `weight "${b.name}" has shape ${JSON.stringify(b.shape)}, but layer "${layer.name}" needs [${units}]`);
    }
    used.add(b.name);
    bias = b.values;
  }
  return { kind: 'dense', name: layer.name, inputs, units: units as number, kernel: kernel.values, bias };
}

function toActivation(file: string, layer: LayerConfig, name: unknown): Activation | undefined {
  switch (name) {
    case 'linear':
    case null:
      return undefined;
    case 'relu':
    case 'selu':
    case 'softplus':
    case 'sigmoid':
    case 'tanh':
    case 'softmax':
      return { type: name };
    default:
      throw new UnsupportedModelError(file, `layer "${layer.name}" (${layer.className}) uses activation ${JSON.stringify(name)}, which is not supported; ${supportedText}`);
  }
}

function reluLayer(file: string, layer: LayerConfig): Activation {
  const { max_value: maxValue, negative_slope: slope = 0, threshold = 0 } = layer.config;
  if ((maxValue !== undefined && maxValue !== null) || threshold !== 0 || typeof slope !== 'number') {
    throw new UnsupportedModelError(file, `layer "${layer.name}" (ReLU) sets max_value/threshold; only a plain or leaky ReLU is supported`);
  }
  return slope === 0 ? { type: 'relu' } : { type: 'leakyRelu', alpha: slope };
}
