import type { EpochStats } from '@mnist-onnx/mnist/artifacts';

/**
 * Everything report.html and the terminal summary show, gathered from what the stages
 * returned. The page (report-page/main.ts) reads it from the report's JSON element, so this
 * file stays free of Node imports.
 */
export interface StageTiming {
  name: string;
  seconds: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
}

export interface ReportData {
  generatedAt: string;
  dataset: { id: string; train: number; test: number };
  training: {
    preset: string;
    backend: string;
    backendNotes: string[];
    hyperparameters: Record<string, unknown>;
    history: EpochStats[];
    wallSeconds: number;
    tfjsAccuracy: number;
  };
  parity: {
    onnxFile: string;
    onnxBytes: number;
    nodes: number;
    parameters: number;
    maxAbsLogitDiff: number;
    argmaxAgreement: number;
    tfjsAccuracy: number;
    onnxAccuracy: number;
  };
  inference: {
    executionProvider: string;
    accuracy: number;
    meanLoss: number;
    meanEntropyBits: number;
    confusion: number[][];
    precision: number[];
    recall: number[];
    imagesPerSecond: number;
    sessionCreateMs: number;
  };
  /** float32, float16 and both int8 forms of the trained model: size and test accuracy (onnxruntime-node, CPU). */
  forms?: ModelFormRow[];
  stages: StageTiming[];
  machine: MachineInfo;
}

export interface ModelFormRow {
  form: string;
  bytes: number;
  accuracy: number;
  /** Argmax agreement with the float32 file. */
  agreement: number;
  maxAbsDiff: number;
}
