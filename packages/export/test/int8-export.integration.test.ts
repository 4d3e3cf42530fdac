import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { runCli } from '@mnist-onnx/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccuracyDropError, ExportOptionError, exportModel, inspectOnnx, useCpuBackend, type ExportReport } from '../src/index.js';
import { saveTfjsModel } from './support/tfjs-models.js';
import { saveTrainedSmallModel, trainSmallModel } from './support/trained-model.js';
import { modelForm, readClassifierMetadata, type ClassifierMetadata } from '@mnist-onnx/mnist';

let root: string;
let modelDir: string;
const exported: Record<'float32' | 'weight-only' | 'dynamic', { report: ExportReport; bytes: Uint8Array; lines: string[] }> = {} as never;

/** Whether Debian's python3-onnx is importable; the checker tests say so when it is not. */
const CHECKER_MISSING = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status !== 0;
const checkerTitle = (title: string) => (CHECKER_MISSING ? `${title} (skipped: /usr/bin/python3 cannot import onnx; bash scripts/setup.sh --test installs python3-onnx)` : title);

function onnxChecker(file: string) {
  return spawnSync('/usr/bin/python3', ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', file], { encoding: 'utf8' });
}

/** `pnpm export …` in a child process, as a user runs it. */
/** `pnpm export ARGS` as a user runs it (the shared test-support spawner), with this test's artifacts folder. */
async function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = await runCli('export', args, { env: { MNIST_ONNX_ARTIFACTS: join(root, 'artifacts'), MNIST_ONNX_DEBUG: '' } });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'export-int8-'));
  process.env.MNIST_ONNX_ARTIFACTS = join(root, 'artifacts');
  modelDir = await saveTrainedSmallModel(join(root, 'tfjs'));
  for (const [form, options] of [['float32', {}], ['weight-only', { dtype: 'int8' }], ['dynamic', { quantize: 'dynamic' }]] as const) {
    const lines: string[] = [];
    const out = join(root, form, 'model.onnx');
    const { report } = await exportModel({ in: modelDir, out, ...options, log: (line) => lines.push(line) });
    exported[form] = { report, bytes: new Uint8Array(await readFile(out)), lines };
  }
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('pnpm export --dtype int8 (weight-only)', () => {
  it('writes a file at most 0.3× the float32 one, within 0.3 points of its accuracy', () => {
    const { report } = exported['weight-only'];
    const fp32 = exported.float32.report;
    expect(report.output.bytes).toBeLessThanOrEqual(0.3 * fp32.output.bytes);
    expect(report.graph).toMatchObject({ dtype: 'int8', quantization: 'weight-only', ops: { Cast: 2, Mul: 2, Gemm: 2, Relu: 1 } });
    const v = report.verification;
    expect(v.tfjsAccuracy).toBeGreaterThan(0.85); // a model that learned something, so a drop could show
    expect(v.tfjsAccuracy).toBe(fp32.verification.onnxAccuracy);
    expect(v.accuracyDropPoints).toBeCloseTo(100 * (v.tfjsAccuracy - v.onnxAccuracy), 10);
    expect(v.accuracyDropPoints).toBeLessThanOrEqual(0.3);
    expect(v.maxAccuracyDrop).toBe(0.3);
    expect(v.maxAbsDiff).toBeGreaterThan(0);
    expect(v.maxAbsDiff).toBeLessThanOrEqual(0.5);
  });

  it('stores each kernel as int8 with one float32 scale per unit, cast and scaled back along the units', () => {
    const proto = inspectOnnx(exported['weight-only'].bytes);
    const kernel = proto.initializers.find((t) => t.name === 'dense_1/kernel/int8');
    const scale = proto.initializers.find((t) => t.name === 'dense_1/kernel/scale');
    expect(kernel).toMatchObject({ dataType: 3, dims: [784, 32] });
    expect(kernel?.rawData.length).toBe(784 * 32);
    expect(scale).toMatchObject({ dataType: 1, dims: [32] });
    expect(proto.nodes.find((n) => n.opType === 'Cast')).toMatchObject({ inputs: ['dense_1/kernel/int8'], attributes: { to: 1 } });
    expect(proto.nodes.find((n) => n.opType === 'Mul')).toMatchObject({ inputs: ['dense_1/kernel/Cast', 'dense_1/kernel/scale'] });
    // No value outside the symmetric range: -128 would have no positive twin.
    expect(Math.min(...new Int8Array(kernel!.rawData.buffer, kernel!.rawData.byteOffset, kernel!.rawData.length))).toBeGreaterThanOrEqual(-127);
  });

  it('prints int8 vs float32 accuracy, agreement and max |Δlogit|, and that it runs everywhere', () => {
    const text = exported['weight-only'].lines.join('\n');
    expect(text).toMatch(/^int8 weight-only vs float32: test accuracy \d+\.\d\d% vs \d+\.\d\d% \([−+]\d\.\d\d points, limit −0\.3\), argmax agreement \d+\.\d\d%, max \|Δlogits\| \d\.\d\de-\d$/m);
    expect(text).toMatch(/every execution provider runs it, as fast as float32/);
    expect(text).toMatch(/^wrote .*model\.onnx \(\d+\.\d KiB, int8 weight-only\)/m);
  });

  it('is folded back into the float32 Gemm graph when onnxruntime loads it (no per-run dequantisation)', async () => {
    const optimized = join(root, 'weight-only-optimized.onnx');
    const session = await InferenceSession.create(exported['weight-only'].bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'basic', optimizedModelFilePath: optimized, logSeverityLevel: 3 });
    await session.release();
    const ops = inspectOnnx(new Uint8Array(await readFile(optimized))).nodes.map((n) => n.opType);
    expect(ops).toEqual(['Gemm', 'Relu', 'Gemm']);
  });
});

describe('pnpm export --quantize dynamic', () => {
  it('writes MatMulInteger layers, 0.3× the size, within 0.3 points, and says WebGPU runs them on the CPU', () => {
    const { report, lines } = exported.dynamic;
    expect(report.graph).toMatchObject({ dtype: 'int8', quantization: 'dynamic', ops: { DynamicQuantizeLinear: 2, MatMulInteger: 2, Cast: 2, Mul: 4, Add: 2, Relu: 1 } });
    expect(report.output.bytes).toBeLessThanOrEqual(0.3 * exported.float32.report.output.bytes);
    expect(report.verification.accuracyDropPoints).toBeLessThanOrEqual(0.3);
    expect(lines.join('\n')).toMatch(/WebGPU execution provider does not have: under --ep webgpu .* those nodes run on the CPU/);
  });

  it('is written in the pattern onnxruntime fuses into DynamicQuantizeMatMul on the CPU', async () => {
    const optimized = join(root, 'dynamic-optimized.onnx');
    const session = await InferenceSession.create(exported.dynamic.bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'extended', optimizedModelFilePath: optimized, logSeverityLevel: 3 });
    await session.release();
    const ops = inspectOnnx(new Uint8Array(await readFile(optimized))).nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'DynamicQuantizeMatMul')).toHaveLength(2);
    expect(ops).not.toContain('MatMulInteger');
    expect(ops).not.toContain('DynamicQuantizeLinear');
  });
});

function classifierMetadata(props: Record<string, string>): ClassifierMetadata {
  const read = readClassifierMetadata(props);
  if (!read.found) throw new Error(`no classifier metadata: ${read.problem}`);
  return read.metadata;
}

describe('both int8 forms', () => {
  it('record the scheme, the accuracy measured at export and float32\'s in the metadata', () => {
    for (const form of ['weight-only', 'dynamic'] as const) {
      const { report, bytes } = exported[form];
      const props = inspectOnnx(bytes).metadata;
      const meta = classifierMetadata(props);
      expect(meta.weights.dtype).toBe('int8');
      expect(meta.weights.quantization).toMatchObject({ scheme: form, weights: expect.stringMatching(/^int8, symmetric/) });
      expect(meta.verification).toEqual({
        dataset: 'embedded', samples: 1996, batchSize: form === 'dynamic' ? 1 : 1996,
        accuracy: report.verification.onnxAccuracy, float32Accuracy: report.verification.tfjsAccuracy,
      });
      expect(modelForm(props)).toMatchObject({ name: `int8 ${form}`, exportAccuracy: { dataset: 'embedded', accuracy: report.verification.onnxAccuracy } });
      expect(report.verification.batchSize).toBe(form === 'dynamic' ? 1 : 1996);
      expect(report.metadata).toEqual(props);
    }
    // Float files carry the accuracies too, and no quantisation entry.
    const fp32 = classifierMetadata(inspectOnnx(exported.float32.bytes).metadata);
    expect(fp32.weights).toEqual({ dtype: 'float32' });
    expect(fp32.verification?.accuracy).toBe(fp32.verification?.float32Accuracy);
  });

  it.skipIf(CHECKER_MISSING)(checkerTitle('pass the official ONNX checker (full_check)'), () => {
    for (const form of ['weight-only', 'dynamic'] as const) {
      const result = onnxChecker(exported[form].report.output.file);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });
});

describe('the accuracy gate', () => {
  it('refuses a model int8 ruins, with one line, and leaves the old file and report alone', async () => {
    const dir = join(root, 'outlier');
    await cp(modelDir, dir, { recursive: true });
    const out = join(root, 'gate', 'model.onnx');
    await exportModel({ in: dir, out, dtype: 'int8' });
    const before = await readFile(out);
    const reportBefore = await readFile(join(root, 'gate', 'export-report.json'));

    // Pixel 0 (the top-left corner) is 0 in every MNIST digit, so a huge weight there changes
    // nothing in float32 once the bias cancels what the normalised 0 contributes, but it sets
    // every unit's int8 scale so high that all its real weights round to 0.
    const bytes = await readFile(join(dir, 'weights.bin'));
    const hidden = 32;
    const offset = -0.1307 / 0.3081;
    for (let unit = 0; unit < hidden; unit++) {
      bytes.writeFloatLE(1000, unit * 4); // kernel[0, unit]
      const biasAt = (784 * hidden + unit) * 4;
      bytes.writeFloatLE(bytes.readFloatLE(biasAt) - offset * 1000, biasAt);
    }
    await writeFile(join(dir, 'weights.bin'), bytes);
    const error = await exportModel({ in: dir, out, dtype: 'int8' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccuracyDropError);
    const escaped = out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect((error as AccuracyDropError).message).toMatch(
      new RegExp(`^${escaped} not written: the int8 weight-only model scores \\d+\\.\\d\\d% on the embedded test set \\(1996 digits\\), \\d+\\.\\d\\d points below float32's \\d+\\.\\d\\d%; the limit is 0\\.3 \\(--max-accuracy-drop\\)$`),
    );
    expect(await readFile(out)).toEqual(before);
    expect(await readFile(join(root, 'gate', 'export-report.json'))).toEqual(reportBefore);
    // A looser gate lets the same model through, by the user's choice.
    const { report } = await exportModel({ in: dir, out, dtype: 'int8', maxAccuracyDrop: 100 });
    expect(report.verification.tfjsAccuracy).toBeGreaterThan(0.85); // float32 still fine…
    expect(report.verification.accuracyDropPoints).toBeGreaterThan(0.3); // …int8 is not
    expect(report.verification.maxAccuracyDrop).toBe(100);
  });

  it('checks --max-accuracy-drop before doing any work', async () => {
    const out = join(root, 'never', 'model.onnx');
    await expect(exportModel({ in: modelDir, out, dtype: 'int8', maxAccuracyDrop: -1 })).rejects.toThrow(ExportOptionError);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });
});

describe('pnpm export (CLI), int8 bad input', () => {
  const expectOneLineError = (stderr: string, pattern: RegExp) => {
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toMatch(pattern);
  };

  it('an unknown --quantize lists the valid ones', async () => {
    const { status, stderr } = await cli(['--in', modelDir, '--quantize', 'static']);
    expect(status).toBe(1);
    expectOneLineError(stderr, /^error: .*quantize.*"static".*"weight-only", "dynamic"/);
  });

  it('--dtype float16 --quantize dynamic is a contradiction, named', async () => {
    const { status, stderr } = await cli(['--in', modelDir, '--dtype', 'float16', '--quantize', 'dynamic']);
    expect(status).toBe(1);
    expectOneLineError(stderr, /^error: --quantize dynamic stores int8 weights, but --dtype is float16/);
  });

  it('--dtype int8 on NaN weights: one line naming the layer, nothing written', async () => {
    const dir = join(root, 'nan');
    await saveTfjsModel(await trainSmallModel(new Float32Array(784 * 10), new Uint8Array(10), { epochs: 1 }), dir);
    const bytes = await readFile(join(dir, 'weights.bin'));
    bytes.writeFloatLE(Number.NaN, (3 * 32 + 5) * 4);
    await writeFile(join(dir, 'weights.bin'), bytes);
    const out = join(root, 'nan-out', 'model.onnx');
    const { status, stderr } = await cli(['--in', dir, '--out', out, '--dtype', 'int8']);
    expect(status).toBe(1);
    expectOneLineError(stderr, /^error: .*weights\.bin: weight "dense_1\/kernel" holds 1 non-finite value\(s\), the first NaN at \[3, 5\]/);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });
});
