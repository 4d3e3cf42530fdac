import type { ExecutionProviderName, SkippedProvider } from './execution-provider.js';
import type { InputLayout, OutputKind } from '@mnist-onnx/mnist';

/** The model, how it was fed and read, and where it ran: shared by both modes. */
export interface RunContext {
  model: {
    path: string;
    bytes: number;
    producer: string;
    opsetVersion: number;
    inputName: string;
    inputShape: ReadonlyArray<number | string>;
    inputLayout: InputLayout;
    outputName: string;
    outputShape: ReadonlyArray<number | string>;
    /** Logits or probabilities, and how that was established. */
    outputKind: OutputKind | 'unknown';
    outputKindSource: string;
    metadata: Record<string, string>;
  };
  input: { normalized: boolean; mean: number; std: number; source: string };
  executionProvider: {
    name: ExecutionProviderName;
    requested: string;
    skipped: SkippedProvider[];
    notes: string[];
  };
  /** Milliseconds to create the ONNX Runtime session. */
  sessionCreateMs: number;
  batchSize: number;
  threads: number | null;
  versions: { node: string; onnxruntime: string };
}

export interface ClassMetrics {
  label: number;
  precision: number;
  recall: number;
  /** Test samples of this class. */
  support: number;
}

/** Test-set mode: the model scored against labelled IDX files. */
export interface TestSetReport extends RunContext {
  mode: 'test-set';
  data: { id: string; images: string; labels: string; count: number };
  accuracy: number;
  correct: number;
  count: number;
  /** Mean cross-entropy (natural log) of the true class. */
  meanLoss: number;
  /** Mean entropy of the predicted distributions, in bits (0 = certain, log2 10 ≈ 3.32 = uniform). */
  meanEntropyBits: number;
  /** confusionMatrix[true][predicted]. */
  confusionMatrix: number[][];
  perClass: ClassMetrics[];
  /** Wall time of the whole pass (reading, converting, running, scoring). */
  seconds: number;
  imagesPerSecond: number;
  /** Time spent inside the model runs alone. */
  inferenceSeconds: number;
  finishedAt: string;
}

export interface ImageResult {
  file: string;
  /** Null when the image holds no ink at all. */
  prediction: number | null;
  probability: number | null;
  entropyBits: number | null;
  probabilities: number[] | null;
  width: number;
  height: number;
  /** True when the image was dark-on-light and got inverted to MNIST's light-on-dark. */
  inverted: boolean | null;
}

/** Image mode: one prediction per image file. */
export interface ImagesReport extends RunContext {
  mode: 'images';
  images: ImageResult[];
  seconds: number;
  finishedAt: string;
}

export type InferenceReport = TestSetReport | ImagesReport;
