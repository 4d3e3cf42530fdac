import { IMAGE_SIDE, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import type { InferenceSession } from 'onnxruntime-web/webgpu';
import { ModelSignatureError } from './model-errors.js';
import type { OnnxModelInfo } from './onnx-model-info.js';

/** `flat` is [N, 784]; `nchw` is [N, 1, 28, 28]. */
export type InputLayout = 'flat' | 'nchw';
export type OutputKind = 'logits' | 'probabilities';

export interface ModelSignature {
  inputName: string;
  inputLayout: InputLayout;
  inputShape: ReadonlyArray<number | string>;
  /** A batch size the model is fixed to, when its first dimension is a number. */
  fixedBatch?: number;
  outputName: string;
  outputShape: ReadonlyArray<number | string>;
  /** Known from the graph or the output's name; undefined = decided from the first result. */
  outputKind?: OutputKind;
}

type TensorMetadata = InferenceSession.ValueMetadata & { isTensor: true };
const isTensor = (m: InferenceSession.ValueMetadata): m is TensorMetadata => m.isTensor;
const formatShape = (shape: ReadonlyArray<number | string>) => `[${shape.join(',')}]`;

/**
 * Reads the input and output the model declares instead of assuming them: one float32 input
 * of [N,784] or [N,1,28,28], and an output of [N,10] with logits or probabilities.
 */
export function readSignature(session: InferenceSession, info: OnnxModelInfo, file: string): ModelSignature {
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
    throw new ModelSignatureError(file, `input "${input.name}" has shape ${formatShape(shape)}; expected [N,${PIXELS}] or [N,1,${IMAGE_SIDE},${IMAGE_SIDE}]`);
  }
  const candidates = session.outputMetadata.filter(isTensor).filter((o) => o.type === 'float32' && o.shape.length === 2 && o.shape[1] === NUM_CLASSES);
  // Prefer probabilities when the model offers both (saves a softmax), else the first match.
  const output = candidates.find((o) => kindOf(o.name, info) === 'probabilities') ?? candidates[0];
  if (!output) {
    const seen = session.outputMetadata.map((o) => `"${o.name}"${isTensor(o) ? ` ${o.type} ${formatShape(o.shape)}` : ''}`).join(', ');
    throw new ModelSignatureError(file, `has no float32 output of shape [N,${NUM_CLASSES}] (outputs: ${seen || 'none'})`);
  }
  const batch = shape[0];
  const outputKind = kindOf(output.name, info);
  return {
    inputName: input.name,
    inputLayout,
    inputShape: shape,
    ...(typeof batch === 'number' && batch > 0 ? { fixedBatch: batch } : {}),
    outputName: output.name,
    outputShape: output.shape,
    ...(outputKind ? { outputKind } : {}),
  };
}

function kindOf(name: string, info: OnnxModelInfo): OutputKind | undefined {
  const op = info.outputOps[name];
  if (op === 'Softmax') return 'probabilities';
  if (op === 'LogSoftmax') return 'logits';
  if (/prob|softmax/i.test(name)) return 'probabilities';
  if (/logit/i.test(name)) return 'logits';
  return undefined;
}

/** True when every row is a probability distribution: no negatives, sums within 1e-3 of 1. */
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
