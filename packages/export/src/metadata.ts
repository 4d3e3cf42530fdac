import {
  CLASSIFIER_METADATA_FORMAT, CLASSIFIER_METADATA_VERSION, encodeClassifierMetadata, IMAGE_SIDE, LABELS, MNIST_MEAN, MNIST_STD, readClassifierMetadata,
  type ClassifierMetadata,
} from '@mnist-onnx/mnist';
import { BATCH_DIM, INPUT_NAME, LOGITS_NAME, type WeightDtype } from './build-onnx.js';
import type { MlpSpec } from './mlp-spec.js';
import type { QuantizationScheme } from './quantize.js';
import type { TrainingSummary } from './training-summary.js';

export interface DescribeInput {
  spec: MlpSpec;
  normalizationFolded: boolean;
  dtype: WeightDtype;
  /** Set for int8 models only. */
  quantization?: QuantizationScheme;
  outputs: string[];
  producer: string;
  weightsSha256: string;
  sourceFormat: string;
  training: TrainingSummary | undefined;
}

/** The network's layer sizes and activations, e.g. `784-200-200-10 (relu, relu, linear)`. */
export function architecture(spec: MlpSpec): string {
  const sizes = [spec.inputs];
  const activations: string[] = [];
  for (const step of spec.steps) {
    if (step.kind === 'dense') {
      sizes.push(step.units);
      activations.push('linear');
    } else {
      activations[activations.length - 1] = step.activation.type === 'leakyRelu' ? `leakyRelu(${step.activation.alpha})` : step.activation.type;
    }
  }
  return `${sizes.join('-')} (${activations.join(', ')})`;
}

function inputConvention(folded: boolean): string {
  const range = folded
    ? 'raw pixel values in [0,1] (the normalisation (x - 0.1307) / 0.3081 is folded into the first Gemm)'
    : `normalised pixel values (x - ${MNIST_MEAN}) / ${MNIST_STD}, with x in [0,1]`;
  return `${INPUT_NAME}: float32 [${BATCH_DIM}, ${IMAGE_SIDE * IMAGE_SIDE}], one ${IMAGE_SIDE}x${IMAGE_SIDE} grayscale image per row, row-major, white digit on black background, ${range}`;
}

/**
 * What the file says about itself, in the classifier metadata contract (version 2, one JSON
 * value under one key: see @mnist-onnx/mnist, classifier/metadata.ts). The input convention is
 * said once, as the mean and std the model expects: 0 and 1 when the normalisation is folded in.
 */
export function describeClassifier(input: DescribeInput): ClassifierMetadata {
  const folded = input.normalizationFolded;
  const training = input.training;
  const trainingFacts = {
    ...(training?.testAccuracy !== undefined ? { testAccuracy: training.testAccuracy } : {}),
    ...(training?.datasetId !== undefined ? { datasetId: training.datasetId } : {}),
    ...(training?.preset !== undefined ? { preset: training.preset } : {}),
    ...(training?.finishedAt !== undefined ? { finishedAt: training.finishedAt } : {}),
  };
  return {
    format: CLASSIFIER_METADATA_FORMAT,
    version: CLASSIFIER_METADATA_VERSION,
    producer: input.producer,
    input: {
      name: INPUT_NAME,
      dtype: 'float32',
      shape: [BATCH_DIM, IMAGE_SIDE * IMAGE_SIDE],
      image: { height: IMAGE_SIDE, width: IMAGE_SIDE, polarity: 'white-on-black' },
      mean: folded ? 0 : MNIST_MEAN,
      std: folded ? 1 : MNIST_STD,
    },
    output: { names: [...input.outputs], labels: [...LABELS] },
    weights: { dtype: input.dtype, ...(input.quantization ? { quantization: quantizationMetadata(input.quantization) } : {}) },
    architecture: architecture(input.spec),
    source: { format: input.sourceFormat, weightsSha256: input.weightsSha256 },
    ...(Object.keys(trainingFacts).length > 0 ? { training: trainingFacts } : {}),
  };
}

/** `metadata_props` of the model: the one versioned entry (see describeClassifier). */
export function buildMetadata(input: DescribeInput): Record<string, string> {
  return encodeClassifierMetadata(describeClassifier(input));
}

/** What `metadata_props.quantization` holds (JSON): how an int8 file computes. */
export interface QuantizationMetadata {
  scheme: QuantizationScheme;
  weights: string;
  activations: string;
  ops: string;
}

export function quantizationMetadata(scheme: QuantizationScheme): QuantizationMetadata {
  const weights = 'int8, symmetric (no zero point), one float32 scale per output unit';
  return scheme === 'dynamic'
    ? { scheme, weights, activations: 'uint8, asymmetric, one scale per run computed from the whole batch: a prediction depends on which images share the run (export measured one image per run)', ops: 'DynamicQuantizeLinear, MatMulInteger, Cast, Mul, Add (onnxruntime has no WebGPU kernels for the integer ops: they run on the CPU there)' }
    : { scheme, weights, activations: 'float32', ops: 'Cast to float32 and Mul by the scales (constants: folded at load), then Gemm in float32' };
}

/** What export measured on the very file it writes, on the named test set. */
export interface VerificationFacts {
  dataset: string;
  samples: number;
  batchSize: number;
  accuracy: number;
  float32Accuracy: number;
}

/**
 * `metadata` with what only verification knows added: the test accuracy of this very file,
 * measured at export in onnxruntime, beside the float32 (tfjs) model's.
 */
export function withVerification(metadata: Record<string, string>, verification: VerificationFacts): Record<string, string> {
  const current = readClassifierMetadata(metadata);
  if (!current.found) throw new Error(`withVerification: the metadata holds no classifier entry${current.problem ? ` (${current.problem})` : ''}`);
  return { ...metadata, ...encodeClassifierMetadata({ ...current.metadata, verification }) };
}

function weightsSentence(input: DescribeInput): string {
  if (input.dtype === 'float16') return 'Weights stored as float16 and cast to float32 inside the graph.';
  if (input.dtype !== 'int8') return `Weights stored as ${input.dtype}.`;
  if (input.quantization === 'dynamic') {
    return 'Weights stored as symmetric int8 with one scale per unit; activations quantised to uint8 at run time (DynamicQuantizeLinear → MatMulInteger), which onnxruntime runs on the CPU even under its WebGPU execution provider.';
  }
  return 'Weights stored as symmetric int8 with one scale per unit and turned back into float32 inside the graph (Cast → Mul → Gemm; constants that a runtime folds at load).';
}

/** The model's `doc_string`: what it is and how to feed it, for anyone opening the file. */
export function buildDocString(input: DescribeInput): string {
  const outputs = input.outputs.length > 1 ? `${LOGITS_NAME} and probabilities (softmax), float32 [${BATCH_DIM}, 10]` : `${LOGITS_NAME}, float32 [${BATCH_DIM}, 10]`;
  return [
    `MNIST handwritten-digit classifier: a multilayer perceptron ${architecture(input.spec)}, trained with TensorFlow.js and exported by ${input.producer}.`,
    `Input ${inputConvention(input.normalizationFolded)}.`,
    `Output ${outputs}: scores for the digits 0-9; the argmax is the prediction.`,
    weightsSentence(input),
  ].join(' ');
}
