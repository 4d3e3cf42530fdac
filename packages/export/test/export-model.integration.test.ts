import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerificationError, exportModel, inspectOnnx, useCpuBackend, type ExportReport } from '../src/index.js';
import { CLASSIFIER_METADATA_KEY, conventionFromMetadata, modelForm, readClassifierMetadata } from '@mnist-onnx/mnist';
import { buildTestModel, saveTfjsModel } from './support/tfjs-models.js';

let root: string;
let artifacts: string;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'export-model-'));
  artifacts = join(root, 'artifacts');
  process.env.MNIST_ONNX_ARTIFACTS = artifacts;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const metadataOf = (bytes: Uint8Array) => inspectOnnx(bytes).metadata;

/** The official ONNX checker, from Debian's python3-onnx (a python3 earlier on PATH may lack it). */
function onnxChecker(file: string) {
  return spawnSync('/usr/bin/python3', ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', file], { encoding: 'utf8' });
}

describe('exportModel on the embedded test set', () => {
  let report: ExportReport;
  let onnxBytes: Uint8Array;

  beforeAll(async () => {
    // Where `pnpm train` leaves its model, with a training record beside it.
    const modelDir = join(artifacts, 'model', 'tfjs');
    const model = buildTestModel('relu', { hidden: 32, seed: 21 });
    await saveTfjsModel(model, modelDir);
    model.dispose();
    await writeFile(join(modelDir, 'training-record.json'), JSON.stringify({ preset: 'default', testAccuracy: 0.9755, dataset: { id: 'embedded', source: 'test' }, finishedAt: '2026-11-24T17:00:00.000Z' }));
    const lines: string[] = [];
    ({ report } = await exportModel({ log: (line) => lines.push(line) }));
    onnxBytes = await readFile(join(artifacts, 'model', 'mnist-mlp.onnx'));
    expect(lines.join('\n')).toMatch(/verified on 1996 test digits \(embedded\) in onnxruntime-node \(cpu\)/);
  });

  it('writes the ONNX file and the report under the artifacts folder by default', async () => {
    expect(report.output.file).toBe(join(artifacts, 'model', 'mnist-mlp.onnx'));
    expect(existsSync(join(artifacts, 'model', 'export-report.json'))).toBe(true);
    const onDisk = JSON.parse(await readFile(join(artifacts, 'model', 'export-report.json'), 'utf8')) as ExportReport;
    expect(onDisk.output.sha256).toBe(createHash('sha256').update(onnxBytes).digest('hex'));
    expect(onDisk.output.bytes).toBe((await stat(report.output.file)).size);
  });

  it('verifies every test digit: |Δlogit| ≤ 1e-4, all argmaxes equal, same accuracy as tfjs', () => {
    const v = report.verification;
    expect(v.samples).toBe(1996);
    expect(v.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(v.argmaxAgreement).toBe(1996);
    expect(v.onnxAccuracy).toBe(v.tfjsAccuracy);
    expect(v.onnxCorrect).toBe(v.tfjsCorrect);
    expect(v.comparedOutput).toBe('logits');
    expect(report.graph).toMatchObject({ irVersion: 8, opset: 13, nodes: 3, ops: { Gemm: 2, Relu: 1 }, parameters: 784 * 32 + 32 + 32 * 10 + 10, dtype: 'float32', normalizationFolded: true });
  });

  it('writes metadata a reader can parse, with the training record and a hash of the source weights', async () => {
    const props = metadataOf(onnxBytes);
    // One versioned entry says it all (the classifier metadata contract, version 2).
    expect(Object.keys(props)).toEqual([CLASSIFIER_METADATA_KEY]);
    const read = readClassifierMetadata(props);
    if (!read.found) throw new Error(`no classifier metadata: ${read.problem}`);
    const meta = read.metadata;
    expect(meta).toMatchObject({ format: 'mnist-onnx/classifier', version: 2, output: { names: ['logits'], labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] } });
    expect(meta.input).toEqual({ name: 'pixels', dtype: 'float32', shape: ['N', 784], image: { height: 28, width: 28, polarity: 'white-on-black' }, mean: 0, std: 1 });
    expect(meta.producer).toMatch(/^mnist-onnx export \d+\.\d+\.\d+$/);
    expect(meta.training).toMatchObject({ testAccuracy: 0.9755, datasetId: 'embedded' });
    expect(meta.verification).toMatchObject({ dataset: 'embedded', samples: 1996, accuracy: report.verification.onnxAccuracy, float32Accuracy: report.verification.tfjsAccuracy });
    const weights = await readFile(join(artifacts, 'model', 'tfjs', 'weights.bin'));
    expect(meta.source?.weightsSha256).toBe(createHash('sha256').update(weights).digest('hex'));
    expect(conventionFromMetadata(props)).toMatchObject({ mean: 0, std: 1, normalized: false });
    const proto = inspectOnnx(onnxBytes);
    expect(proto.producerName).toBe('mnist-onnx');
    expect(proto.docString).toMatch(/^MNIST handwritten-digit classifier/);
  });

  it('passes the official ONNX checker (full_check)', () => {
    const result = onnxChecker(report.output.file);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the checker does reject a broken file (so the check above can fail)', async () => {
    const broken = join(root, 'broken.onnx');
    await writeFile(broken, onnxBytes.subarray(0, onnxBytes.length - 1000));
    expect(onnxChecker(broken).status).not.toBe(0);
  });
});

describe('exportModel options', () => {
  let modelDir: string;

  beforeAll(async () => {
    modelDir = join(root, 'plain');
    const model = buildTestModel('sigmoid', { hidden: 32, seed: 5 });
    await saveTfjsModel(model, modelDir);
    model.dispose();
  });

  it('without a training record: no training metadata, and --no-fold-normalization takes normalised input', async () => {
    const out = join(root, 'unfolded', 'model.onnx');
    const { report } = await exportModel({ in: modelDir, out, foldNormalization: false });
    const props = metadataOf(await readFile(out));
    const read = readClassifierMetadata(props);
    expect(read.found && read.metadata.training).toBeUndefined();
    expect(read.found && read.metadata.input).toMatchObject({ mean: 0.1307, std: 0.3081 });
    expect(conventionFromMetadata(props)).toMatchObject({ mean: 0.1307, std: 0.3081, normalized: true });
    expect(report.verification.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(report.source.trainingRecord).toBeNull();
    expect(onnxChecker(out).status).toBe(0);
  });

  it('--dtype float16 halves the file and reports the measured accuracy change', async () => {
    const out = join(root, 'half', 'model.onnx');
    const { report } = await exportModel({ in: modelDir, out, dtype: 'float16', probabilities: true });
    const full = await exportModel({ in: modelDir, out: join(root, 'full', 'model.onnx') });
    expect(report.output.bytes).toBeLessThan(0.55 * full.report.output.bytes);
    expect(report.graph.dtype).toBe('float16');
    expect(report.graph.outputs).toEqual(['logits', 'probabilities']);
    expect(report.verification.tolerance).toBe(2e-2);
    expect(report.verification.maxAbsDiff).toBeGreaterThan(0);
    expect(report.verification.maxAbsDiff).toBeLessThanOrEqual(2e-2);
    expect(report.verification.accuracyChange).toBeCloseTo((report.verification.onnxCorrect - report.verification.tfjsCorrect) / 1996, 12);
    expect(modelForm(metadataOf(await readFile(out))).name).toBe('float16');
    expect(onnxChecker(out).status).toBe(0);
  });

  it('refuses to write when onnxruntime drifts from tfjs, names the worst sample, and leaves the old file alone', async () => {
    const dir = join(root, 'huge');
    const model = buildTestModel('relu', { hidden: 32, seed: 9 });
    await saveTfjsModel(model, dir);
    model.dispose();
    const out = join(root, 'huge-out', 'model.onnx');
    await exportModel({ in: dir, out });
    const before = await readFile(out);

    // Weights ×3000: logits in the millions, where float32 summation order alone moves them by more than 1e-4.
    const bytes = await readFile(join(dir, 'weights.bin'));
    for (let i = 0; i < bytes.length; i += 4) bytes.writeFloatLE(bytes.readFloatLE(i) * 3000, i);
    await writeFile(join(dir, 'weights.bin'), bytes);
    const error = await exportModel({ in: dir, out }).catch((e: unknown) => e as VerificationError);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as VerificationError).code).toBe('EXPORT_VERIFICATION');
    expect((error as VerificationError).message).toMatch(
      new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} not written: the ONNX model does not reproduce .*model\\.json on the embedded test set — max \\|Δlogits\\| \\d\\.\\d+e[+-]\\d+ \\(limit 0\\.0001\\) at test sample \\d+, class \\d \\(tfjs -?[\\d.e+]+, onnxruntime -?[\\d.e+]+\\)`),
    );
    expect(await readFile(out)).toEqual(before);
  });
});
