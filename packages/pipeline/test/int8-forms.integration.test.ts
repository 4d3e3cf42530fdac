import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareModelForms, exportModel, readTfjsModel, useCpuBackend, type ExportReport } from '@mnist-onnx/export';
import type { TestSetReport } from '@mnist-onnx/infer-node';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { errorLines, runCli, SWIFTSHADER_ENV } from '@mnist-onnx/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml, type ReportData } from '../src/index.js';
// The export package's own test helpers: a small MLP really trained on the embedded split.
import { saveTrainedSmallModel } from '../../export/test/support/trained-model.js';

// Both int8 forms, exported by `pnpm export`, then run by `pnpm infer` on onnxruntime-node's
// CPU and WebGPU execution providers (WebGPU on SwiftShader, the software Vulkan driver that
// Debian's chromium ships, forced by SWIFTSHADER_ENV whatever GPU the machine has): each must
// load, say which form it is, and score what export measured.

const FORMS = ['weight-only', 'dynamic'] as const;
type Form = (typeof FORMS)[number];

let root: string;
const exported = {} as Record<Form, { file: string; report: ExportReport }>;
let modelDir: string;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'int8-forms-'));
  process.env.MNIST_ONNX_ARTIFACTS = join(root, 'artifacts');
  modelDir = await saveTrainedSmallModel(join(root, 'tfjs'));
  for (const form of FORMS) {
    const file = join(root, form, 'model.onnx');
    const { report } = await exportModel({ in: modelDir, out: file, dtype: 'int8', quantize: form });
    exported[form] = { file, report };
  }
}, 180_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * `pnpm infer --json` at the batch size export verified with: int8 dynamic quantises each
 * run's activations with one scale for the batch, so only the same batching reproduces it.
 */
async function infer(form: Form, ep: 'cpu' | 'webgpu', batchSize = exported[form].report.verification.batchSize!): Promise<TestSetReport> {
  const env = { MNIST_ONNX_ARTIFACTS: join(root, 'artifacts'), ...(ep === 'webgpu' ? SWIFTSHADER_ENV : {}) };
  const run = await runCli('infer', ['--model', exported[form].file, '--ep', ep, '--json', '--batch-size', String(batchSize)], { env, timeoutMs: 150_000 });
  // A slow run (WebGPU on a software adapter, a loaded machine) prints progress on stderr; no errors.
  expect(errorLines(run.stderr)).toEqual([]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as TestSetReport;
}

describe('int8 dynamic at another batch size', () => {
  it('scores close to, but not always exactly, what export measured one image per run', async () => {
    const v = exported.dynamic.report.verification;
    expect(v.batchSize).toBe(1);
    const report = await infer('dynamic', 'cpu', 500);
    expect(report.batchSize).toBe(500);
    expect(Math.abs(report.accuracy - v.onnxAccuracy)).toBeLessThanOrEqual(0.005);
  }, 120_000);
});

describe.each(FORMS)('int8 %s', (form) => {
  it('pnpm infer on the CPU EP scores exactly what export measured, and says which form runs', async () => {
    const report = await infer(form, 'cpu');
    const v = exported[form].report.verification;
    expect(report.executionProvider.name).toBe('cpu');
    expect(report.count).toBe(v.samples);
    expect(report.correct).toBe(v.onnxCorrect);
    expect(report.accuracy).toBe(v.onnxAccuracy);
    const text = await runCli('infer', ['--model', exported[form].file, '--ep', 'cpu'], { env: { MNIST_ONNX_ARTIFACTS: join(root, 'artifacts') } });
    expect(text.stdout).toMatch(new RegExp(`^weights: {2}int8 ${form} \\(.+\\); at export ${(100 * v.onnxAccuracy).toFixed(2)}% on embedded \\(float32 ${(100 * v.tfjsAccuracy).toFixed(2)}%\\)$`, 'm'));
  }, 120_000);

  it('pnpm infer --ep webgpu (SwiftShader) runs it with the accuracy export measured', async () => {
    const report = await infer(form, 'webgpu');
    const v = exported[form].report.verification;
    expect(report.executionProvider).toMatchObject({ name: 'webgpu', requested: 'webgpu' });
    expect(report.count).toBe(v.samples);
    // Weight-only computes in float32 on the GPU, summing in another order than the CPU: a
    // near-tie may flip. Dynamic's integer ops run on the CPU there, so it matches exactly.
    if (form === 'dynamic') expect(report.correct).toBe(v.onnxCorrect);
    else expect(Math.abs(report.correct - v.onnxCorrect)).toBeLessThanOrEqual(1);
  }, 180_000);
});

describe('report.html: the model forms side by side', () => {
  it('shows size and accuracy of float32, float16 and both int8 forms, as export measured them', async () => {
    const { test } = await loadDataset('embedded');
    const forms = await compareModelForms(await readTfjsModel(modelDir), test);
    expect(forms.map((f) => f.form)).toEqual(['float32', 'float16', 'int8 weight-only', 'int8 dynamic']);
    for (const form of FORMS) {
      const row = forms.find((f) => f.form === `int8 ${form}`)!;
      expect(row.accuracy).toBe(exported[form].report.verification.onnxAccuracy);
      expect(row.bytes).toBeLessThanOrEqual(0.3 * forms[0].bytes);
    }
    const data = {
      generatedAt: '2026-12-01T00:00:00.000Z',
      dataset: { id: 'embedded', train: 8004, test: 1996 },
      training: { preset: 'default', backend: 'wasm', backendNotes: [], hyperparameters: {}, history: [], wallSeconds: 1, tfjsAccuracy: 1 },
      parity: { onnxFile: '/m.onnx', onnxBytes: 1, nodes: 1, parameters: 1, maxAbsLogitDiff: 0, argmaxAgreement: 1, tfjsAccuracy: 1, onnxAccuracy: 1 },
      inference: { executionProvider: 'cpu', accuracy: 1, meanLoss: 0, meanEntropyBits: 0, confusion: [], precision: [], recall: [], imagesPerSecond: 1, sessionCreateMs: 1 },
      forms: forms.map(({ form, bytes, accuracy, agreement, maxAbsDiff }) => ({ form, bytes, accuracy, agreement, maxAbsDiff })),
      stages: [],
      machine: { cpu: 'cpu', cores: 2, memoryGiB: 4, platform: 'linux', node: 'v20' },
    } satisfies ReportData;
    const table = /<table id="model-forms">(.*?)<\/table>/s.exec(renderReportHtml(data, ''))?.[1] ?? '';
    const rows = [...table.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows.map((r) => r[0])).toEqual(['float32', 'float16', 'int8 weight-only', 'int8 dynamic']);
    expect(rows[0][1]).toMatch(/^\d+\.\d KiB \(1\.00×\)$/);
    expect(rows[2][2]).toBe(`${(100 * exported['weight-only'].report.verification.onnxAccuracy).toFixed(2)}%`);
  }, 60_000);
});
