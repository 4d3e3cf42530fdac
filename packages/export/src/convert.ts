import { createRequire } from 'node:module';
import { MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';
import { LOGITS_NAME, PROBABILITIES_NAME, buildOnnx, type BuiltOnnx, type WeightDtype } from './build-onnx.js';
import { foldNormalization } from './fold-normalization.js';
import { buildDocString, buildMetadata } from './metadata.js';
import { buildMlpSpec, type MlpSpec } from './mlp-spec.js';
import type { QuantizationScheme } from './quantize.js';
import type { TfjsModelFiles } from './read-tfjs-model.js';
import { parseTopology } from './topology.js';
import type { TrainingSummary } from './training-record.js';

const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };
export const PRODUCER_NAME = 'mnist-onnx';
export const PRODUCER_VERSION = packageJson.version;
/** Who made the file, as written in its metadata and the report. */
export const PRODUCER = `${PRODUCER_NAME} export ${PRODUCER_VERSION}`;

export interface ConvertOptions {
  /** Fold (x − 0.1307) / 0.3081 into the first Gemm (default true). */
  foldNormalization?: boolean;
  /** Add a Softmax output `probabilities` (default false). */
  probabilities?: boolean;
  /** Weight precision in the file (default float32). */
  dtype?: WeightDtype;
  /** How an int8 model computes (default weight-only); only with dtype int8. */
  quantization?: QuantizationScheme;
  /** From training-record.json, for the metadata. */
  training?: TrainingSummary;
}

export interface Converted {
  /** The model as read (normalisation not folded). */
  spec: MlpSpec;
  built: BuiltOnnx;
  metadata: Record<string, string>;
  /** The ONNX output that corresponds to the tfjs model's output: `probabilities` when the model ends in softmax. */
  comparableOutput: string;
}

/** Translates checked tfjs files into ONNX bytes (no verification, nothing written). */
export function convertToOnnx(files: TfjsModelFiles, options: ConvertOptions = {}): Converted {
  const fold = options.foldNormalization ?? true;
  const dtype = options.dtype ?? 'float32';
  const quantization = dtype === 'int8' ? (options.quantization ?? 'weight-only') : undefined;
  const file = files.modelJsonPath;
  const spec = buildMlpSpec(file, parseTopology(file, files.modelTopology), files.weights);
  const onnxSpec = fold ? foldNormalization(file, spec, MNIST_MEAN, MNIST_STD) : spec;
  const last = spec.steps[spec.steps.length - 1];
  const endsInSoftmax = last.kind === 'activation' && last.activation.type === 'softmax';
  const describe = {
    spec,
    normalizationFolded: fold,
    dtype,
    quantization,
    outputs: endsInSoftmax || options.probabilities ? [LOGITS_NAME, PROBABILITIES_NAME] : [LOGITS_NAME],
    producer: PRODUCER,
    weightsSha256: files.weightsSha256,
    sourceFormat: `tfjs layers-model${files.generatedBy ? ` (${files.generatedBy})` : ''}`,
    training: options.training,
  };
  const metadata = buildMetadata(describe);
  const built = buildOnnx(onnxSpec, {
    dtype,
    quantization,
    source: file,
    probabilities: options.probabilities ?? false,
    normalizationFolded: fold,
    graphName: 'mnist-mlp',
    docString: buildDocString(describe),
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    metadata,
  });
  return { spec, built, metadata, comparableOutput: endsInSoftmax ? PROBABILITIES_NAME : LOGITS_NAME };
}
