import type { ExportReport, TestSetReport, TrainingRecord } from '@mnist-onnx/mnist/artifacts';
import { machineInfo } from './machine-info.js';
import type { ReportData, StageTiming } from './report-data.js';

/** What the stages returned: train()'s record, exportModel()'s report, runInference()'s test-set report. */
export interface StageResults {
  record: TrainingRecord;
  exported: ExportReport;
  inferred: TestSetReport;
}

/** Gathers the stages' results into the figures report.html and the summary show. */
export function collectReport({ record, exported, inferred }: StageResults, stages: StageTiming[]): ReportData {
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
