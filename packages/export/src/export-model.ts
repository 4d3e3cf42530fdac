import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { argmaxRows, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import { ARTIFACT_FILES, exportReportContract, serializeArtifact, type ExportReport } from '@mnist-onnx/mnist/artifacts';
import { artifactPaths, checkOutputPaths, loadDataset, settleOutput, writeFileAtomic } from '@mnist-onnx/mnist/node';
import { INPUT_NAME, IR_VERSION, OPSET_VERSION, type WeightDtype } from './build-onnx.js';
import { PRODUCER, convertToOnnx } from './convert.js';
import { checkMaxAccuracyDrop, checkQuantizeOptions, formOf, gateAccuracy, int8Notes, DEFAULT_MAX_ACCURACY_DROP } from './quantize-options.js';
import type { QuantizationScheme } from './quantize.js';
import { withVerification } from './metadata.js';
import { withMetadata } from './set-metadata.js';
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
  // int8 moves logits by design (on the default model, 98.2%: by at most 0.084, and at most 1
  // of 1,996 predictions changed). Whether that is acceptable is the accuracy gate's call
  // (--max-accuracy-drop), so here the scores only have to be finite: a NaN or an infinity
  // still fails, whatever the gate allows.
  int8: { maxAbsDiff: Number.MAX_VALUE, minAgreement: 0 },
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
  /** How an int8 model computes: weight-only (default) or dynamic; `dynamic` implies dtype int8. */
  quantize?: QuantizationScheme;
  /** Refuse to write a model whose test accuracy is more than this many points below float32's (default 0.3). */
  maxAccuracyDrop?: number;
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
 * report (atomically). A file that fails verification is never written. int8 files are
 * judged by the accuracy gate instead: their test accuracy may fall at most `maxAccuracyDrop`
 * points below float32's.
 */
export async function exportModel(options: ExportOptions = {}): Promise<ExportResult> {
  const log = options.log ?? (() => {});
  const inDir = resolve(options.in ?? artifactPaths.tfjsModel());
  const outFile = resolve(options.out ?? artifactPaths.onnxModel());
  const reportFile = resolve(options.report ?? join(dirname(outFile), ARTIFACT_FILES.exportReport));
  const fold = options.foldNormalization ?? true;
  const { dtype, quantization } = checkQuantizeOptions(options.dtype, options.quantize);
  const maxAccuracyDrop = checkMaxAccuracyDrop(options.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP);
  const form = formOf(dtype, quantization);
  const tolerance = TOLERANCES[dtype];

  // Both outputs are checked before any work, so neither can fail (or clobber the other) after it.
  await checkOutputPaths([{ flag: '--out', path: outFile, kind: 'file' }, { flag: '--report', path: reportFile, kind: 'file' }]);
  // A training run killed mid-swap of the model folder left it for the next start to finish.
  await settleOutput(inDir);
  const files = await readTfjsModel(inDir);
  const training = await readTrainingSummary(files.dir);
  log(`read ${files.modelJsonPath}${training ? ' (with training record)' : ''}`);
  const { built, metadata, comparableOutput: compared } = convertToOnnx(files, {
    foldNormalization: fold,
    probabilities: options.probabilities ?? false,
    dtype,
    quantization,
    training,
  });
  log(`built ONNX graph: ${built.nodes} nodes (${Object.entries(built.ops).map(([op, n]) => `${op}×${n}`).join(', ')}), ${built.parameters.toLocaleString('en-US')} parameters, ${form}, normalisation ${fold ? 'folded in' : 'not folded'}`);

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
  // int8 dynamic quantises each run's activations with one scale for the whole batch, so a
  // prediction depends on which images share the run. One image per run is the batching that
  // makes each prediction the model's alone (and is how the page classifies a drawing).
  const verifyBatch = quantization === 'dynamic' ? 1 : test.count;
  const onnxOut = await runOnnx(built.bytes, fold ? test.pixels01() : normalized, test.count, PIXELS, [compared], verifyBatch);
  const comparison = compareScores(reference, onnxOut[compared], NUM_CLASSES);
  const tfjsAcc = accuracyOf(argmaxRows(reference, NUM_CLASSES), test.labels);
  const onnxAcc = accuracyOf(argmaxRows(onnxOut[compared], NUM_CLASSES), test.labels);
  const agreementRate = comparison.agreement / comparison.samples;
  log(`verified on ${test.count} test digits (${dataset.id}${verifyBatch === 1 ? ', one per run' : ''}) in onnxruntime-node (cpu) against tfjs (${tfjsBackend}): max |Δ${compared}| ${comparison.maxAbsDiff.toExponential(2)} (limit ${tolerance.maxAbsDiff === Number.MAX_VALUE ? 'finite' : tolerance.maxAbsDiff}), argmax agreement ${comparison.agreement}/${comparison.samples} (${percent(agreementRate)})`);

  const gate = { form, accuracy: onnxAcc.accuracy, float32Accuracy: tfjsAcc.accuracy, maxAccuracyDrop, outFile, dataset: dataset.id, samples: test.count };
  // int8 is judged by its accuracy first (its logits move by design); float files by exactness first.
  const int8Drop = dtype === 'int8' ? gateAccuracy(gate) : undefined;
  assertReproduces(comparison, tolerance, { output: compared, outFile, source: files.modelJsonPath, dataset: dataset.id });
  const drop = int8Drop ?? gateAccuracy(gate);
  if (dtype === 'int8') {
    log(`${form} vs float32: test accuracy ${percent(onnxAcc.accuracy)} vs ${percent(tfjsAcc.accuracy)} (${drop > 0 ? '−' : '+'}${Math.abs(drop).toFixed(2)} points, limit −${maxAccuracyDrop}), argmax agreement ${percent(agreementRate)}, max |Δ${compared}| ${comparison.maxAbsDiff.toExponential(2)}`);
    for (const note of int8Notes(quantization)) log(note);
  }
  const { worst } = comparison;
  // Known only now, so added to the verified bytes (the graph is untouched).
  Object.assign(metadata, withVerification(metadata, { dataset: dataset.id, samples: test.count, batchSize: verifyBatch, accuracy: onnxAcc.accuracy, float32Accuracy: tfjsAcc.accuracy }));
  const bytes = withMetadata(built.bytes, metadata);

  const report: ExportReport = {
    source: { modelJson: files.modelJsonPath, weightsSha256: files.weightsSha256, generatedBy: files.generatedBy ?? null, trainingRecord: training?.file ?? null },
    output: { file: outFile, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
    graph: {
      irVersion: IR_VERSION,
      opset: OPSET_VERSION,
      nodes: built.nodes,
      ops: built.ops,
      parameters: built.parameters,
      input: { name: INPUT_NAME, shape: ['N', PIXELS] },
      outputs: built.outputs,
      dtype,
      quantization: quantization ?? null,
      normalizationFolded: fold,
    },
    verification: {
      dataset: dataset.id,
      samples: comparison.samples,
      executionProvider: 'cpu',
      batchSize: verifyBatch,
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
      accuracyDropPoints: drop,
      maxAccuracyDrop,
    },
    metadata,
    versions: { producer: PRODUCER, tfjs: tfjsVersion(), onnxruntimeNode: onnxruntimeVersion() },
    exportedAt: new Date().toISOString(),
  };
  // Serialised (and so validated against the contract) before anything is written.
  const reportText = serializeArtifact(exportReportContract, report, reportFile);
  await writeFileAtomic(outFile, bytes);
  await writeFileAtomic(reportFile, reportText);
  const change = onnxAcc.correct - tfjsAcc.correct;
  log(`test accuracy: tfjs ${percent(tfjsAcc.accuracy)} (${tfjsAcc.correct}/${test.count}), onnxruntime ${percent(onnxAcc.accuracy)} (${onnxAcc.correct}/${test.count})${dtype !== 'float32' ? `, change ${change >= 0 ? '+' : ''}${change} digits (${(100 * (onnxAcc.accuracy - tfjsAcc.accuracy)).toFixed(2)} points)` : ''}`);
  log(`wrote ${outFile} (${(bytes.length / 1024).toFixed(1)} KiB, ${form}) and ${reportFile}`);
  return { outFile, reportFile, report };
}
