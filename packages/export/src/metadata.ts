import { IMAGE_SIDE, LABELS, MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';
import { BATCH_DIM, INPUT_NAME, LOGITS_NAME, type WeightDtype } from './build-onnx.js';
import type { MlpSpec } from './mlp-spec.js';
import type { TrainingSummary } from './training-record.js';

export interface DescribeInput {
  spec: MlpSpec;
  normalizationFolded: boolean;
  dtype: WeightDtype;
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
 * `metadata_props` of the model. Every value is a string; structured ones are JSON so that a
 * reader can parse them (`labels`, `input_format`, `outputs`).
 */
export function buildMetadata(input: DescribeInput): Record<string, string> {
  const { normalizationFolded: folded } = input;
  const metadata: Record<string, string> = {
    producer: input.producer,
    labels: JSON.stringify(LABELS),
    input_convention: inputConvention(folded),
    input_format: JSON.stringify({
      name: INPUT_NAME,
      dtype: 'float32',
      shape: [BATCH_DIM, IMAGE_SIDE * IMAGE_SIDE],
      image: { height: IMAGE_SIDE, width: IMAGE_SIDE, layout: 'row-major', polarity: 'white digit on black background' },
      range: folded ? [0, 1] : 'normalized',
      normalization: { mean: MNIST_MEAN, std: MNIST_STD, folded },
    }),
    normalization_folded: String(folded),
    outputs: JSON.stringify(input.outputs),
    weights_dtype: input.dtype,
    architecture: architecture(input.spec),
    source_format: input.sourceFormat,
    source_weights_sha256: input.weightsSha256,
  };
  const training = input.training;
  if (training?.testAccuracy !== undefined) metadata.training_test_accuracy = String(training.testAccuracy);
  if (training?.datasetId !== undefined) metadata.training_dataset_id = training.datasetId;
  if (training?.preset !== undefined) metadata.training_preset = training.preset;
  if (training?.finishedAt !== undefined) metadata.training_finished_at = training.finishedAt;
  return metadata;
}

/** The model's `doc_string`: what it is and how to feed it, for anyone opening the file. */
export function buildDocString(input: DescribeInput): string {
  const outputs = input.outputs.length > 1 ? `${LOGITS_NAME} and probabilities (softmax), float32 [${BATCH_DIM}, 10]` : `${LOGITS_NAME}, float32 [${BATCH_DIM}, 10]`;
  return [
    `MNIST handwritten-digit classifier: a multilayer perceptron ${architecture(input.spec)}, trained with TensorFlow.js and exported by ${input.producer}.`,
    `Input ${inputConvention(input.normalizationFolded)}.`,
    `Output ${outputs}: scores for the digits 0-9; the argmax is the prediction.`,
    `Weights stored as ${input.dtype}${input.dtype === 'float16' ? ' and cast to float32 inside the graph' : ''}.`,
  ].join(' ');
}
