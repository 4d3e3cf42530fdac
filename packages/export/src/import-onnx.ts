import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { conventionFromMetadata, MnistOnnxError, MNIST_MEAN, MNIST_STD, NUM_CLASSES, PIXELS, readClassifierMetadata } from '@mnist-onnx/mnist';
import { fromFloat16Bits } from './float16.js';
import { FLOAT16_TYPE, FLOAT_TYPE, INT8_TYPE } from './graph-builder.js';

const { onnx } = onnxProto;

/** The hidden activations the trainer can train (packages/train's ActivationName). */
export type ImportedActivation = 'relu' | 'leaky-relu' | 'selu' | 'softplus';

/**
 * An exported classifier turned back into what a trainer starts from: the Dense weights as tfjs
 * holds them and the hyperparameters that rebuild the same network.
 */
export interface ImportedClassifier {
  /** kernel₁ [inputs, units] row-major, bias₁, kernel₂, … — tfjs's `getWeights()` order. */
  weights: Float32Array[];
  inputUnits: number;
  outputUnits: number;
  hiddenUnits: number[];
  /** The activation after every hidden layer. */
  activation: ImportedActivation;
  /** LeakyRelu's alpha as the file stores it; undefined unless `activation` is leaky-relu. */
  leakyAlpha: number | undefined;
  /** `relu` for the seed preset's ReLU on the logits. */
  finalActivation: 'none' | 'relu';
  /** The training preset the metadata names, else `default`. */
  preset: string;
  /** How the file stored its weights (float16 ones come back widened, as the file computes). */
  dtype: 'float32' | 'float16';
  /** Whether the file had the input normalisation folded into its first Gemm (undone here). */
  normalizationFolded: boolean;
}

/** A file the importer will not start from: not ONNX, int8, or not an MLP written by mnist-onnx. */
export class ModelImportError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('IMPORT_UNSUPPORTED', `${file}: ${problem}`, options);
    this.file = file;
  }
}

const SUPPORTED = 'fine-tuning starts from a float32 (or float16) model written by mnist-onnx';
const refuse = (file: string, what: string, todo = 'export a float32 one with pnpm export') => new ModelImportError(file, `${SUPPORTED}; this one ${what}: ${todo}`);

interface Tensor {
  dims: number[];
  values: Float32Array;
}

interface Dense {
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  activation: string;
  alpha?: number;
}

const HIDDEN_OPS: Record<string, ImportedActivation> = { Relu: 'relu', LeakyRelu: 'leaky-relu', Selu: 'selu', Softplus: 'softplus' };

/**
 * Reads ONNX bytes of an MNIST classifier that mnist-onnx exported (`pnpm export` or the page)
 * back into tfjs-ordered weights: Gemm's B transposed when transB = 1, float16 initializers
 * widened through their Cast, and the input normalisation folded into the first Gemm undone,
 * so the weights are those of a model that takes (x − mean) / std, as the trainer feeds it.
 * int8 files and graphs that are not such an MLP are refused with a ModelImportError.
 */
export function importClassifierOnnx(bytes: Uint8Array, file: string): ImportedClassifier {
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelImportError(file, `is not an ONNX model (${(error as Error).message})`, { cause: error });
  }
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
  const described = readClassifierMetadata(props);
  const dtype = described.found ? described.metadata.weights.dtype : undefined;
  if (dtype === 'int8') {
    const scheme = described.found ? described.metadata.weights.quantization?.scheme : undefined;
    throw refuse(file, `is int8${scheme ? ` ${scheme}` : ''}`);
  }
  const convention = conventionFromMetadata(props);
  if (!convention || model.producerName !== 'mnist-onnx') {
    throw refuse(file, `was written by ${model.producerName ? `"${model.producerName}"` : 'an unknown producer'}${described.found || convention ? '' : ' without mnist-onnx metadata'}`, 'open or export a model written by mnist-onnx');
  }
  const folded = !convention.normalized;
  if (!folded && (convention.mean !== MNIST_MEAN || convention.std !== MNIST_STD)) {
    throw refuse(file, `expects (x − ${convention.mean}) / ${convention.std}, not the MNIST normalisation the trainer feeds`);
  }

  const layers = readDenseChain(file, model.graph ?? {});
  const hidden = layers.slice(0, -1);
  const last = layers[layers.length - 1];
  const activation = HIDDEN_OPS[hidden[0]?.activation ?? 'Relu'];
  if (!activation) throw refuse(file, `applies ${hidden[0].activation} after a hidden layer, which the trainer does not train (it trains ${Object.keys(HIDDEN_OPS).join(', ')})`, 'train one with a supported activation');
  const mixed = hidden.find((d) => d.activation !== hidden[0].activation || d.alpha !== hidden[0].alpha);
  if (mixed) throw refuse(file, 'applies different activations after its hidden layers; the trainer uses one for all', 'train one with a single hidden activation');
  if (last.activation !== 'linear' && last.activation !== 'Relu') throw refuse(file, `applies ${last.activation} to its logits; the trainer knows none or Relu there`, 'train one without it');
  if (layers[0].inputs !== PIXELS || last.units !== NUM_CLASSES) throw refuse(file, `maps ${layers[0].inputs} inputs to ${last.units} outputs, not ${PIXELS} to ${NUM_CLASSES}`, 'open an MNIST classifier');

  if (folded) unfoldNormalization(layers[0], MNIST_MEAN, MNIST_STD);
  return {
    weights: layers.flatMap((d) => [d.kernel, d.bias]),
    inputUnits: layers[0].inputs,
    outputUnits: last.units,
    hiddenUnits: hidden.map((d) => d.units),
    activation,
    leakyAlpha: activation === 'leaky-relu' ? hidden[0].alpha : undefined,
    finalActivation: last.activation === 'Relu' ? 'relu' : 'none',
    preset: (described.found ? described.metadata.training?.preset : undefined) ?? 'default',
    dtype: dtype === 'float16' || hasFloat16(model.graph ?? {}) ? 'float16' : 'float32',
    normalizationFolded: folded,
  };
}

/**
 * Undoes foldNormalization (fold-normalization.ts), which wrote W' = W/σ and
 * b' = b − (μ/σ)·Σᵢ W[i, :]: here W = W'·σ, then b = b' + (μ/σ)·Σᵢ W[i, :] with the recovered W,
 * summed in float64 as the fold did, so the only difference left is float32 rounding.
 */
function unfoldNormalization(first: Dense, mean: number, std: number): void {
  const { inputs, units, kernel, bias } = first;
  const columnSums = new Float64Array(units);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < units; j++) {
      const w = Math.fround(kernel[i * units + j] * std);
      kernel[i * units + j] = w;
      columnSums[j] += w;
    }
  }
  for (let j = 0; j < units; j++) bias[j] = bias[j] + (mean / std) * columnSums[j];
}

function hasFloat16(graph: Onnx.IGraphProto): boolean {
  return (graph.initializer ?? []).some((t) => t.dataType === FLOAT16_TYPE);
}

/** Each Gemm of the chain from the graph input to `logits`, with the activation that follows it. */
function readDenseChain(file: string, graph: Onnx.IGraphProto): Dense[] {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const aliases = new Map<string, string>();
  const nodes = graph.node ?? [];
  // float16 files widen each weight with a Cast (graph-builder.ts); a weight read through one is the weight.
  for (const node of nodes) {
    if (node.opType === 'Cast' && initializers.has(node.input?.[0] ?? '')) aliases.set(node.output?.[0] ?? '', node.input![0]);
  }
  const tensor = (name: string): Tensor => {
    const stored = initializers.get(aliases.get(name) ?? name);
    if (!stored) throw refuse(file, `feeds a Gemm with "${name}", which is computed rather than stored`, 'open or export a float32 model written by mnist-onnx');
    return { dims: (stored.dims ?? []).map(Number), values: tensorValues(file, stored) };
  };

  const input = (graph.input ?? []).find((v) => !initializers.has(v.name ?? ''))?.name;
  const output = graph.output?.[0]?.name;
  if (!input || !output) throw refuse(file, 'has no graph input or output', 'open or export a model written by mnist-onnx');
  const layers: Dense[] = [];
  let current = input;
  let reachedOutput = false;
  for (const node of nodes) {
    if (aliases.has(node.output?.[0] ?? '')) continue;
    const op = node.opType ?? '';
    if (reachedOutput) {
      // Only a Softmax over the logits (the `probabilities` output) may follow them.
      if (op === 'Softmax' && node.input?.[0] === output) continue;
      throw refuse(file, `computes ${op} after its logits`, 'open or export a float32 model written by mnist-onnx');
    }
    if (node.input?.[0] !== current) throw refuse(file, `is not a chain of layers (${op} "${node.name ?? ''}" does not read the previous layer)`, 'open or export a model written by mnist-onnx');
    if (op === 'Gemm') layers.push(gemmLayer(file, node, tensor, layers.at(-1)?.units ?? PIXELS));
    else if (layers.length > 0 && layers[layers.length - 1].activation === 'linear' && isActivationOp(op)) {
      const dense = layers[layers.length - 1];
      dense.activation = op;
      if (op === 'LeakyRelu') dense.alpha = attribute(node, 'alpha') ?? 0.01;
    } else {
      throw refuse(file, `contains a ${op} node, which an mnist-onnx float MLP does not`, 'open or export a float32 model written by mnist-onnx');
    }
    current = node.output?.[0] ?? '';
    if (current === output) reachedOutput = true;
  }
  if (!reachedOutput || layers.length === 0) throw refuse(file, `does not compute its output "${output}" from Gemm layers`, 'open or export a model written by mnist-onnx');
  return layers;
}

const ACTIVATION_OPS = new Set(['Relu', 'LeakyRelu', 'Selu', 'Softplus', 'Sigmoid', 'Tanh']);
const isActivationOp = (op: string) => ACTIVATION_OPS.has(op);

function attribute(node: Onnx.INodeProto, name: string): number | undefined {
  const found = node.attribute?.find((a) => a.name === name);
  if (!found) return undefined;
  return found.type === onnx.AttributeProto.AttributeType.FLOAT ? (found.f ?? 0) : Number(found.i ?? 0);
}

/** Y = A·B + C with A the previous layer: B back to tfjs's [inputs, units] whatever transB says. */
function gemmLayer(file: string, node: Onnx.INodeProto, tensor: (name: string) => Tensor, inputs: number): Dense {
  const [transA, transB, alpha, beta] = [attribute(node, 'transA') ?? 0, attribute(node, 'transB') ?? 0, attribute(node, 'alpha') ?? 1, attribute(node, 'beta') ?? 1];
  if (transA !== 0 || alpha !== 1 || beta !== 1) throw refuse(file, `has a Gemm "${node.name ?? ''}" with transA/alpha/beta ${transA}/${alpha}/${beta}, not 0/1/1`, 'open or export a model written by mnist-onnx');
  const b = tensor(node.input![1]);
  const units = b.dims[transB ? 0 : 1];
  if (b.dims.length !== 2 || b.dims[transB ? 1 : 0] !== inputs) throw refuse(file, `has a Gemm "${node.name ?? ''}" with weights [${b.dims.join(', ')}] after a layer of ${inputs} units`, 'open or export a model written by mnist-onnx');
  const kernel = transB ? transpose(b.values, units, inputs) : b.values;
  const biasName = node.input![2];
  const bias = biasName ? tensor(biasName).values : new Float32Array(units);
  if (bias.length !== units) throw refuse(file, `has a Gemm "${node.name ?? ''}" whose bias holds ${bias.length} values for ${units} units`, 'open or export a model written by mnist-onnx');
  return { inputs, units, kernel, bias, activation: 'linear' };
}

/** [rows, cols] row-major → [cols, rows] row-major. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/** An initializer's values as a float32 array of its own (little-endian raw data, or the typed fields). */
function tensorValues(file: string, t: Onnx.ITensorProto): Float32Array {
  const count = (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
  const raw = t.rawData && t.rawData.length > 0 ? new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  let values: Float32Array;
  if (t.dataType === FLOAT_TYPE) {
    values = raw ? Float32Array.from({ length: raw.byteLength / 4 }, (_, i) => raw.getFloat32(i * 4, true)) : Float32Array.from(t.floatData ?? []);
  } else if (t.dataType === FLOAT16_TYPE) {
    // Without raw data, ONNX keeps float16 bit patterns in int32_data.
    values = raw ? Float32Array.from({ length: raw.byteLength / 2 }, (_, i) => fromFloat16Bits(raw.getUint16(i * 2, true))) : Float32Array.from(t.int32Data ?? [], (bits) => fromFloat16Bits(bits));
  } else if (t.dataType === INT8_TYPE) {
    throw refuse(file, `stores "${t.name ?? ''}" as int8`);
  } else {
    throw refuse(file, `stores "${t.name ?? ''}" as ONNX data type ${t.dataType ?? '?'}`);
  }
  if (values.length !== count) throw refuse(file, `stores ${values.length} values for "${t.name ?? ''}" of shape [${(t.dims ?? []).join(', ')}]`, 'export it again');
  return values;
}
