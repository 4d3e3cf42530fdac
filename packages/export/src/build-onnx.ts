import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { Float16RangeError } from './errors.js';
import { FLOAT16_MAX } from './float16.js';
import { FLOAT_TYPE, GraphBuilder, floatAttr, intAttr, type WeightDtype } from './graph-builder.js';
import type { Activation, DenseStep, MlpSpec } from './mlp-spec.js';
import { addDynamicInt8Dense, addWeightOnlyInt8Kernel } from './quantized-dense.js';
import type { QuantizationScheme } from './quantize.js';

const { onnx } = onnxProto;

/**
 * IR 8 with opset 13: a pair that onnxruntime-node 1.30, onnxruntime-web 1.30 and the ONNX
 * checker all accept, pinned here rather than taken from onnx-proto's `Version.IR_VERSION`,
 * which moves with whatever onnx release that package was generated from.
 */
export const IR_VERSION = 8;
export const OPSET_VERSION = 13;

export const INPUT_NAME = 'pixels';
export const LOGITS_NAME = 'logits';
export const PROBABILITIES_NAME = 'probabilities';
/** The symbolic batch dimension of input and outputs. */
export const BATCH_DIM = 'N';

export { WEIGHT_DTYPES, float16RawData, float32RawData, type WeightDtype } from './graph-builder.js';

export interface OnnxBuildOptions {
  dtype: WeightDtype;
  /** How an int8 model computes (default weight-only); ignored for float dtypes. */
  quantization?: QuantizationScheme;
  /** The file the weights came from, named in errors about them (default "the model"). */
  source?: string;
  /** Add a Softmax output `probabilities` (always there when the model ends in softmax). */
  probabilities: boolean;
  /** Whether the first Dense layer's weights already include the input normalisation. */
  normalizationFolded: boolean;
  graphName: string;
  docString: string;
  producerName: string;
  producerVersion: string;
  /** Written as `metadata_props`, in this order. */
  metadata: Record<string, string>;
}

export interface BuiltOnnx {
  bytes: Uint8Array;
  nodes: number;
  /** op type → count, e.g. { Gemm: 3, Relu: 2 }. */
  ops: Record<string, number>;
  parameters: number;
  /** Graph outputs in order: `logits`, then `probabilities` when present. */
  outputs: string[];
}

function tensorType(elemType: number, dims: (number | string)[]): Onnx.ITypeProto {
  return {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  };
}

const ACTIVATION_OPS: Record<Activation['type'], string> = {
  relu: 'Relu',
  leakyRelu: 'LeakyRelu',
  selu: 'Selu',
  softplus: 'Softplus',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softmax: 'Softmax',
};

function activationAttributes(activation: Activation): Onnx.IAttributeProto[] {
  // ONNX's LeakyRelu defaults to alpha 0.01, tfjs to 0.3: always write the model's own alpha.
  if (activation.type === 'leakyRelu') return [floatAttr('alpha', activation.alpha)];
  // Softmax over the class axis of [N, classes].
  if (activation.type === 'softmax') return [intAttr('axis', 1)];
  // Selu's ONNX defaults (alpha 1.67326…, gamma 1.05070…) are the float32 values of tfjs's constants.
  return [];
}

function addDense(graph: GraphBuilder, step: DenseStep, input: string, folded: boolean, options: OnnxBuildOptions): string {
  const kernelDoc = `Dense "${step.name}" kernel [${step.inputs}, ${step.units}] as stored by tfjs${folded ? ', with the input normalisation folded in' : ''}`;
  const source = options.source ?? 'the model';
  const int8 = options.dtype === 'int8';
  if (int8 && options.quantization === 'dynamic') return addDynamicInt8Dense(graph, step, input, kernelDoc, source);
  const kernel = int8 ? addWeightOnlyInt8Kernel(graph, step, kernelDoc, source) : graph.weight(`${step.name}/kernel`, [step.inputs, step.units], step.kernel, kernelDoc);
  const inputs = [input, kernel];
  if (step.bias) inputs.push(graph.weight(`${step.name}/bias`, [step.units], step.bias, `Dense "${step.name}" bias`));
  // transB = 0 on purpose: tfjs (like Keras) stores a Dense kernel as [inputs, units], which is
  // exactly Gemm's B for Y = A·B + C. Keeping that layout means the initializer holds the
  // trained floats in their original order (no transpose step that could silently scramble
  // them), and costs nothing at run time: onnxruntime pre-packs a constant B either way.
  // (PyTorch exports use transB = 1 only because nn.Linear stores [units, inputs].)
  return graph.node(`${step.name}/Gemm`, 'Gemm', inputs, [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transA', 0), intAttr('transB', 0)]);
}

/**
 * Translates the MLP into an ONNX ModelProto and serialises it: one Gemm per Dense layer
 * (weights and biases as initializers), one op per activation, input `pixels` [N, 784],
 * output `logits` [N, 10], plus `probabilities` when asked for or when the model ends in a
 * softmax (then `logits` is the tensor before it).
 */
export function buildOnnx(spec: MlpSpec, options: OnnxBuildOptions): BuiltOnnx {
  if (options.dtype === 'float16') assertFitsFloat16(spec, options.normalizationFolded);
  const graph = new GraphBuilder(options.dtype);
  let current = INPUT_NAME;
  let firstDense = true;
  for (const step of spec.steps) {
    if (step.kind === 'dense') {
      current = addDense(graph, step, current, options.normalizationFolded && firstDense, options);
      firstDense = false;
    } else {
      const op = ACTIVATION_OPS[step.activation.type];
      current = graph.node(`${step.name}/${op}`, op, [current], activationAttributes(step.activation));
    }
  }

  const last = spec.steps[spec.steps.length - 1];
  const endsInSoftmax = last.kind === 'activation' && last.activation.type === 'softmax';
  const outputs = [LOGITS_NAME];
  if (endsInSoftmax) {
    graph.rename(graph.nodes[graph.nodes.length - 1].input![0], LOGITS_NAME);
    graph.rename(current, PROBABILITIES_NAME);
    outputs.push(PROBABILITIES_NAME);
  } else {
    graph.rename(current, LOGITS_NAME);
    if (options.probabilities) {
      graph.nodes.push({ name: `${PROBABILITIES_NAME}/Softmax`, opType: 'Softmax', input: [LOGITS_NAME], output: [PROBABILITIES_NAME], attribute: [intAttr('axis', 1)] });
      outputs.push(PROBABILITIES_NAME);
    }
  }

  const model: Onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: options.producerName,
    producerVersion: options.producerVersion,
    modelVersion: 1,
    docString: options.docString,
    graph: {
      name: options.graphName,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [{ name: INPUT_NAME, type: tensorType(FLOAT_TYPE, [BATCH_DIM, spec.inputs]), docString: 'float32 pixels, one image per row' }],
      output: outputs.map((name) => ({
        name,
        type: tensorType(FLOAT_TYPE, [BATCH_DIM, spec.outputs]),
        docString: name === LOGITS_NAME ? 'class scores for digits 0–9; argmax is the prediction' : 'softmax of the logits',
      })),
    },
    metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
  };
  // protobufjs hands back a pooled Buffer view; copy it into a buffer of its own.
  const bytes = new Uint8Array(onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish());
  const ops: Record<string, number> = {};
  for (const node of graph.nodes) ops[node.opType!] = (ops[node.opType!] ?? 0) + 1;
  return { bytes, nodes: graph.nodes.length, ops, parameters: graph.parameters, outputs };
}

/** Half precision tops out at 65504: a larger weight would silently become Infinity. */
function assertFitsFloat16(spec: MlpSpec, folded: boolean): void {
  const firstDense = spec.steps.find((s) => s.kind === 'dense');
  for (const step of spec.steps) {
    if (step.kind !== 'dense') continue;
    const note = folded && step === firstDense ? ' (after folding in the input normalisation)' : '';
    for (const [what, values] of [['kernel', step.kernel], ['bias', step.bias]] as const) {
      const big = values?.find((v) => Math.abs(v) > FLOAT16_MAX);
      if (big !== undefined) throw new Float16RangeError(`weight "${step.name}/${what}" holds ${big}${note}, beyond float16's range (±${FLOAT16_MAX}); export as float32`);
    }
  }
}
