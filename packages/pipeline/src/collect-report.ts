import { readFile } from 'node:fs/promises';
import { MnistOnnxError } from '@mnist-onnx/mnist';
import type { ExportReport } from '@mnist-onnx/export';
import type { TestSetReport } from '@mnist-onnx/infer-node';
import type { TrainingRecord } from '@mnist-onnx/train';
import { machineInfo } from './machine-info.js';
import type { ReportData, StageTiming } from './report-data.js';

export interface StageOutputs {
  trainingRecord: string;
  exportReport: string;
  inferReport: string;
}

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new MnistOnnxError('PIPELINE_REPORT', `${path}: cannot read the ${what} (${(error as Error).message})`);
  }
}

/** Gathers what the stages wrote into the figures report.html and the summary show. */
export async function collectReport(outputs: StageOutputs, stages: StageTiming[]): Promise<ReportData> {
  const record = await readJson<TrainingRecord>(outputs.trainingRecord, 'training record');
  const exported = await readJson<ExportReport>(outputs.exportReport, 'export report');
  const inferred = await readJson<TestSetReport>(outputs.inferReport, 'inference report');
  return {
    generatedAt: new Date().toISOString(),
    dataset: { id: record.dataset.id, train: record.dataset.trainCount, test: record.dataset.testCount },
    training: {
      preset: record.preset,
      backend: record.backend,
      backendNotes: record.backendNotes,
      hyperparameters: { ...record.hyperparameters },
      history: record.history,
      wallSeconds: record.wallSeconds,
      tfjsAccuracy: record.testAccuracy,
    },
    parity: {
      onnxFile: exported.output.file,
      onnxBytes: exported.output.bytes,
      nodes: exported.graph.nodes,
      parameters: exported.graph.parameters,
      maxAbsLogitDiff: exported.verification.maxAbsDiff,
      argmaxAgreement: exported.verification.agreementRate,
      tfjsAccuracy: exported.verification.tfjsAccuracy,
      onnxAccuracy: inferred.accuracy,
    },
    inference: {
      executionProvider: inferred.executionProvider.name,
      accuracy: inferred.accuracy,
      meanLoss: inferred.meanLoss,
      meanEntropyBits: inferred.meanEntropyBits,
      confusion: inferred.confusionMatrix,
      precision: inferred.perClass.map((c) => c.precision),
      recall: inferred.perClass.map((c) => c.recall),
      imagesPerSecond: inferred.imagesPerSecond,
      sessionCreateMs: inferred.sessionCreateMs,
    },
    stages,
    machine: machineInfo(),
  };
}
