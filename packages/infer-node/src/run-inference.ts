import { availableParallelism } from 'node:os';
import { inferenceReportContract } from '@mnist-onnx/mnist/artifacts';
import { artifactPaths, checkOutputPaths, writeArtifact } from '@mnist-onnx/mnist/node';
import { env } from 'onnxruntime-node';
import { MnistClassifier } from './classifier.js';
import { InvalidOptionError } from './errors.js';
import { classifyImages } from './image-mode.js';
import type { Normalization } from './input-convention.js';
import type { ProgressCallback } from './progress.js';
import type { InferenceReport, RunContext } from './report.js';
import { evaluateTestSet } from './test-set-mode.js';
import { openTestSet } from './test-set.js';

export interface InferenceOptions {
  /** The .onnx file (default: `pnpm export`'s artifacts/model/mnist-mlp.onnx). */
  model?: string;
  /** Test-set mode: `embedded` (default), `mnist`, or a folder of IDX files. */
  data?: string;
  /** Image mode when non-empty: image files and folders of them. */
  images?: string[];
  /** `auto` (default), `cuda`, `webgpu` or `cpu`. */
  ep?: string;
  /** Images per model run (default 500). */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (default: one per core). */
  threads?: number;
  /** Input normalisation, overriding the model's metadata (e.g. PyTorch exports). */
  normalize?: Normalization;
  /** Also write the report as JSON to this file, atomically. */
  report?: string;
  /** Called as images are classified. */
  onProgress?: ProgressCallback;
}

export const DEFAULT_BATCH_SIZE = 500;

/**
 * The most images one model run may take: its input (16384 × 784 float32 = 51 MB), activations
 * and outputs fit the memory budget of `pnpm infer` (512 MiB peak RSS) with room to spare.
 */
export const MAX_BATCH_SIZE = 16384;

/**
 * ONNX Runtime starts every intra-op thread it is given: more than the machine's cores only
 * adds contention (1000 threads ran 28× slower here) and memory (100000 grew to 3.7 GB before
 * a single image ran). So the bound is the cores this process may use.
 */
function checkThreads(threads: number): void {
  const cores = availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > cores) {
    throw new InvalidOptionError(`--threads must be an integer from 1 to ${cores} (the cores this machine offers), got ${threads}`);
  }
}

/**
 * Loads a model on the best execution provider and either scores it on a labelled test set
 * (streamed in batches, so any size fits in memory) or classifies image files.
 */
export async function runInference(options: InferenceOptions = {}): Promise<InferenceReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidOptionError(`--batch-size must be a positive integer, got ${batchSize}`);
  if (batchSize > MAX_BATCH_SIZE) throw new InvalidOptionError(`--batch-size must be at most ${MAX_BATCH_SIZE} (what one run may hold in memory), got ${batchSize}`);
  if (options.threads !== undefined) checkThreads(options.threads);
  if (options.normalize && !(options.normalize.std > 0 && Number.isFinite(options.normalize.mean))) {
    throw new InvalidOptionError(`--normalize needs a finite mean and a positive std, got ${options.normalize.mean},${options.normalize.std}`);
  }
  // The report is written last: a bad path must fail now, not after the whole run.
  if (options.report) await checkOutputPaths([{ flag: '--report', path: options.report, kind: 'file' }]);
  const imageMode = (options.images?.length ?? 0) > 0;
  // Open the inputs before the model so a bad path fails fast, before any session starts.
  const testSet = imageMode ? undefined : await openTestSet(options.data ?? 'embedded');
  let classifier: MnistClassifier | undefined;
  try {
    classifier = await MnistClassifier.load({
      model: options.model ?? artifactPaths.onnxModel(),
      device: options.ep ?? 'auto',
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.normalize ? { normalize: options.normalize } : {}),
    });
    const report: InferenceReport = testSet
      ? { mode: 'test-set', ...(await evaluateTestSet(classifier, testSet, batchSize, options.onProgress)), ...context(classifier, options, batchSize) }
      : { mode: 'images', ...(await classifyImages(classifier, options.images ?? [], batchSize, options.onProgress)), ...context(classifier, options, batchSize) };
    if (options.report) await writeArtifact(inferenceReportContract, options.report, report);
    return report;
  } finally {
    await testSet?.close();
    await classifier?.dispose();
  }
}

function context(classifier: MnistClassifier, options: InferenceOptions, batchSize: number): RunContext {
  const { info } = classifier;
  const { signature, input } = info;
  return {
    model: {
      path: info.modelPath,
      bytes: info.modelBytes,
      producer: info.producer,
      opsetVersion: info.opsetVersion,
      inputName: signature.inputName,
      inputShape: [...signature.inputShape],
      inputLayout: signature.inputLayout,
      outputName: signature.outputName,
      outputShape: [...signature.outputShape],
      outputKind: classifier.outputKind ?? 'unknown',
      outputKindSource: signature.outputKindSource,
      metadata: info.metadata,
    },
    input: { normalized: input.normalized, mean: input.mean, std: input.std, source: input.source },
    executionProvider: { name: info.provider, requested: options.ep ?? 'auto', skipped: info.skipped, notes: info.notes },
    sessionCreateMs: info.sessionCreateMs,
    batchSize,
    threads: options.threads ?? null,
    versions: { node: process.versions.node, onnxruntime: env.versions.node ?? 'unknown' },
  };
}
