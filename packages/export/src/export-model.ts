import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { argmaxRows, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import { ARTIFACT_FILES, exportReportContract, serializeArtifact, type ExportReport } from '@mnist-onnx/mnist/artifacts';
import { artifactPaths, loadDataset, writeFileAtomic } from '@mnist-onnx/mnist/node';
import { INPUT_NAME, IR_VERSION, OPSET_VERSION, type WeightDtype } from './build-onnx.js';
import { PRODUCER, convertToOnnx } from './convert.js';
import { readTfjsModel } from './read-tfjs-model.js';
import { loadTfjsModel, predictTfjs, tfjsVersion, useCpuBackend } from './tfjs-reference.js';
import { readTrainingSummary } from './training-record.js';
import { accuracyOf, assertReproduces, compareScores, onnxruntimeVersion, runOnnx, type Tolerance } from './verify.js';

export type { ExportReport } from '@mnist-onnx/mnist/artifacts';

/**
 * How closely the ONNX file must reproduce tfjs. float32: the same arithmetic up to summation
 * order, so 1e-4 on logits and every argmax identical. float16 rounds each weight to 11
 * significant bits (relative error ≤ 2⁻¹¹): on a trained 784-200-200-10 model (94% test
 * accuracy) that moved logits by at most 2.7e-3 and changed no prediction of the 1,996 test
 * digits. The float16 bar is looser on purpose — 2e-2 on logits (7× that) and 99.5% argmax
 * agreement — and the report states the measured accuracy change.
 */
export const TOLERANCES: Record<WeightDtype, Tolerance> = {
  float32: { maxAbsDiff: 1e-4, minAgreement: 1 },
  float16: { maxAbsDiff: 2e-2, minAgreement: 0.995 },
};

export interface ExportOptions {
  /** Folder holding model.json and its weight shards (default: artifacts/model/tfjs). */
  in?: string;
  /** Where to write the ONNX file (default: artifacts/model/mnist-mlp.onnx). */
  out?: string;
  /** Where to write the JSON report (default: export-report.json beside `out`). */
  report?: string;
  /** Fold (x − 0.1307) / 0.3081 into the first Gemm so the file takes [0,1] pixels (default true). */
  foldNormalization?: boolean;
  /** Add a Softmax output `probabilities` (default false). */
  probabilities?: boolean;
  /** Weight precision in the file (default float32). */
  dtype?: WeightDtype;
  /** Dataset whose test split verifies the file: embedded, mnist or a folder (default embedded). */
  data?: string;
  /** Receives one line per step (default: silent). */
  log?: (line: string) => void;
}

export interface ExportResult {
  outFile: string;
  reportFile: string;
  report: ExportReport;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Reads a tfjs LayersModel, translates it to ONNX, proves the bytes reproduce the tfjs
 * model on the whole test split in onnxruntime-node, and only then writes the file and a
 * report (atomically). A file that fails verification is never written.
 */
export async function exportModel(options: ExportOptions = {}): Promise<ExportResult> {
  const log = options.log ?? (() => {});
  const inDir = resolve(options.in ?? artifactPaths.tfjsModel());
  const outFile = resolve(options.out ?? artifactPaths.onnxModel());
  const reportFile = resolve(options.report ?? join(dirname(outFile), ARTIFACT_FILES.exportReport));
  const fold = options.foldNormalization ?? true;
  const dtype = options.dtype ?? 'float32';
  const tolerance = TOLERANCES[dtype];

  const files = await readTfjsModel(inDir);
  const training = await readTrainingSummary(files.dir);
  log(`read ${files.modelJsonPath}${training ? ' (with training record)' : ''}`);
  const { built, metadata, comparableOutput: compared } = convertToOnnx(files, {
    foldNormalization: fold,
    probabilities: options.probabilities ?? false,
    dtype,
    training,
  });
  log(`built ONNX graph: ${built.nodes} nodes (${Object.entries(built.ops).map(([op, n]) => `${op}×${n}`).join(', ')}), ${built.parameters.toLocaleString('en-US')} parameters, ${dtype}, normalisation ${fold ? 'folded in' : 'not folded'}`);

  const dataset = await loadDataset(options.data ?? 'embedded');
  const test = dataset.test;
  const normalized = test.normalized();
  const tfjsBackend = await useCpuBackend();
  const tfjsModel = await loadTfjsModel(files);
  let reference: Float32Array;
  try {
    reference = await predictTfjs(tfjsModel, normalized, test.count);
  } finally {
    tfjsModel.dispose();
  }
  const onnxOut = await runOnnx(built.bytes, fold ? test.pixels01() : normalized, test.count, PIXELS, [compared]);
  const comparison = compareScores(reference, onnxOut[compared], NUM_CLASSES);
  const tfjsAcc = accuracyOf(argmaxRows(reference, NUM_CLASSES), test.labels);
  const onnxAcc = accuracyOf(argmaxRows(onnxOut[compared], NUM_CLASSES), test.labels);
  const agreementRate = comparison.agreement / comparison.samples;
  log(`verified on ${test.count} test digits (${dataset.id}) in onnxruntime-node (cpu) against tfjs (${tfjsBackend}): max |Δ${compared}| ${comparison.maxAbsDiff.toExponential(2)} (limit ${tolerance.maxAbsDiff}), argmax agreement ${comparison.agreement}/${comparison.samples} (${percent(agreementRate)})`);

  assertReproduces(comparison, tolerance, { output: compared, outFile, source: files.modelJsonPath, dataset: dataset.id });
  const { worst } = comparison;

  const report: ExportReport = {
    source: { modelJson: files.modelJsonPath, weightsSha256: files.weightsSha256, generatedBy: files.generatedBy ?? null, trainingRecord: training?.file ?? null },
    output: { file: outFile, bytes: built.bytes.length, sha256: createHash('sha256').update(built.bytes).digest('hex') },
    graph: {
      irVersion: IR_VERSION,
      opset: OPSET_VERSION,
      nodes: built.nodes,
      ops: built.ops,
      parameters: built.parameters,
      input: { name: INPUT_NAME, shape: ['N', PIXELS] },
      outputs: built.outputs,
      dtype,
      normalizationFolded: fold,
    },
    verification: {
      dataset: dataset.id,
      samples: comparison.samples,
      executionProvider: 'cpu',
      tfjsBackend,
      comparedOutput: compared,
      maxAbsDiff: comparison.maxAbsDiff,
      tolerance: tolerance.maxAbsDiff,
      worst,
      argmaxAgreement: comparison.agreement,
      agreementRate,
      minAgreement: tolerance.minAgreement,
      tfjsAccuracy: tfjsAcc.accuracy,
      onnxAccuracy: onnxAcc.accuracy,
      accuracyChange: onnxAcc.accuracy - tfjsAcc.accuracy,
      tfjsCorrect: tfjsAcc.correct,
      onnxCorrect: onnxAcc.correct,
    },
    metadata,
    versions: { producer: PRODUCER, tfjs: tfjsVersion(), onnxruntimeNode: onnxruntimeVersion() },
    exportedAt: new Date().toISOString(),
  };
  // Serialised (and so validated against the contract) before anything is written.
  const reportText = serializeArtifact(exportReportContract, report, reportFile);
  await writeFileAtomic(outFile, built.bytes);
  await writeFileAtomic(reportFile, reportText);
  const change = onnxAcc.correct - tfjsAcc.correct;
  log(`test accuracy: tfjs ${percent(tfjsAcc.accuracy)} (${tfjsAcc.correct}/${test.count}), onnxruntime ${percent(onnxAcc.accuracy)} (${onnxAcc.correct}/${test.count})${dtype === 'float16' ? `, change ${change >= 0 ? '+' : ''}${change} digits (${(100 * (onnxAcc.accuracy - tfjsAcc.accuracy)).toFixed(2)} points)` : ''}`);
  log(`wrote ${outFile} (${(built.bytes.length / 1024).toFixed(1)} KiB) and ${reportFile}`);
  return { outFile, reportFile, report };
}
