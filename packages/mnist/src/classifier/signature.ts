import { IMAGE_SIDE, NUM_CLASSES, PIXELS } from '../constants.js';
import { ModelSignatureError } from './model-errors.js';

/**
 * How to feed and read an ONNX MNIST classifier, from what its session declares — shared by
 * onnxruntime-node (`pnpm infer`) and onnxruntime-web (the page), so both accept the same models.
 */

/** `flat` is [N, 784]; `nchw` is [N, 1, 28, 28]. */
export type InputLayout = 'flat' | 'nchw';

/** How the output's numbers are to be read: softmax still to apply, or already probabilities. */
export type OutputKind = 'logits' | 'probabilities';

export interface ModelSignature {
  inputName: string;
  inputLayout: InputLayout;
  /** The shape as the model declares it (symbolic dimensions as names). */
  inputShape: ReadonlyArray<number | string>;
  /** A batch size the model is fixed to, when its first dimension is a number. */
  fixedBatch?: number;
  outputName: string;
  outputShape: ReadonlyArray<number | string>;
  /** Known from the graph or the output's name; undefined = decide from the first result. */
  outputKind?: OutputKind;
  /** How the output kind was established. */
  outputKindSource: string;
}

/** The parts of an onnxruntime-node or onnxruntime-web `InferenceSession` read here. */
type TensorMetadata = { name: string; isTensor: true; type: string; shape: ReadonlyArray<number | string> };
type ValueMetadata = { name: string; isTensor: false } | TensorMetadata;
export interface SessionMetadata {
  readonly inputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
}

const isTensor = (m: ValueMetadata): m is TensorMetadata => m.isTensor;
const formatShape = (shape: ReadonlyArray<number | string>) => `[${shape.join(',')}]`;

/**
 * Reads the input and output the model declares instead of assuming them: one float32 input
 * of [N,784] or [N,1,28,28], and an output of [N,10] holding logits or probabilities.
 * `outputOps` maps output names to the op that produces them (from the ONNX graph).
 */
export function readClassifierSignature(session: SessionMetadata, outputOps: Record<string, string>, file: string): ModelSignature {
  const inputs = session.inputMetadata;
  if (inputs.length !== 1) {
    throw new ModelSignatureError(file, `has ${inputs.length} inputs (${session.inputNames.join(', ')}); an MNIST classifier takes one image tensor`);
  }
  const input = inputs[0];
  if (!isTensor(input)) throw new ModelSignatureError(file, `input "${input.name}" is not a tensor`);
  if (input.type !== 'float32') throw new ModelSignatureError(file, `input "${input.name}" is ${input.type}; expected float32 pixels`);
  const shape = input.shape;
  const inputLayout: InputLayout | undefined =
    shape.length === 2 && shape[1] === PIXELS ? 'flat'
    : shape.length === 4 && shape[1] === 1 && shape[2] === IMAGE_SIDE && shape[3] === IMAGE_SIDE ? 'nchw'
    : undefined;
  if (!inputLayout) {
    throw new ModelSignatureError(file, `input "${input.name}" has shape ${formatShape(shape)}; expected [N,${PIXELS}] or [N,1,${IMAGE_SIDE},${IMAGE_SIDE}] (28×28 MNIST images)`);
  }

  const outputs = session.outputMetadata.filter(isTensor);
  const candidates = outputs.filter((o) => o.type === 'float32' && o.shape.length === 2 && o.shape[1] === NUM_CLASSES);
  // Prefer probabilities when the model offers both (saves a softmax), else the first match.
  const output = candidates.find((o) => outputKindOf(o.name, outputOps).outputKind === 'probabilities') ?? candidates[0];
  if (!output) {
    const seen = outputs.map((o) => `"${o.name}" ${o.type} ${formatShape(o.shape)}`).join(', ') || 'none';
    throw new ModelSignatureError(file, `has no float32 output of shape [N,${NUM_CLASSES}] (outputs: ${seen})`);
  }
  const batch = shape[0];
  return {
    inputName: input.name,
    inputLayout,
    inputShape: shape,
    ...(typeof batch === 'number' && batch > 0 ? { fixedBatch: batch } : {}),
    outputName: output.name,
    outputShape: output.shape,
    ...outputKindOf(output.name, outputOps),
  };
}

function outputKindOf(name: string, outputOps: Record<string, string>): Pick<ModelSignature, 'outputKind' | 'outputKindSource'> {
  const op = outputOps[name];
  if (op === 'Softmax') return { outputKind: 'probabilities', outputKindSource: 'made by a Softmax node' };
  if (op === 'LogSoftmax') return { outputKind: 'logits', outputKindSource: 'made by a LogSoftmax node (log-probabilities; softmax recovers them)' };
  if (/prob|softmax/i.test(name)) return { outputKind: 'probabilities', outputKindSource: `output name "${name}"` };
  if (/logit/i.test(name)) return { outputKind: 'logits', outputKindSource: `output name "${name}"` };
  return { outputKindSource: 'from the first batch (rows summing to 1 with no negatives = probabilities)' };
}

/** True when every row is a probability distribution: no negatives, and sums within 1e-3 of 1. */
export function looksLikeProbabilities(values: Float32Array, classes = NUM_CLASSES): boolean {
  for (let row = 0; row * classes < values.length; row++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = values[row * classes + c];
      if (!(v >= 0)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return values.length > 0;
}
