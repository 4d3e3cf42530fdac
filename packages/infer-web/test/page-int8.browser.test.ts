import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { exportModel, type ExportReport } from '@mnist-onnx/export';
import { argmaxRows, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import * as ort from 'onnxruntime-node';
import { TEST_BATCH } from '../src/app/test-set/evaluate.js';
import { collectErrors, launchChromium, openReady } from './helpers/browser.js';
import { startWebFixture, type WebFixture } from './helpers/web-fixture.js';

// Both int8 forms of the fixture's trained model, loaded into the page and run over the test
// set on wasm and on WebGPU (SwiftShader here, a hardware adapter where there is one): the page
// must load them, say which form runs, and score what export and onnxruntime-node measured.
const FORMS = ['weight-only', 'dynamic'] as const;

let fixture: WebFixture;
let browser: Browser;
let page: Page;
let errors: string[];
const exported = {} as Record<(typeof FORMS)[number], { file: string; report: ExportReport }>;

/** Test-set correct count in onnxruntime-node, `batch` images per run like the page's test-set mode. */
async function nodeCorrect(file: string, batch: number): Promise<number> {
  const session = await ort.InferenceSession.create(await readFile(file));
  try {
    const pixels = fixture.test.pixels01();
    let correct = 0;
    for (let start = 0; start < fixture.test.count; start += batch) {
      const n = Math.min(batch, fixture.test.count - start);
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', pixels.subarray(start * PIXELS, (start + n) * PIXELS), [n, PIXELS]) });
      argmaxRows(out[session.outputNames[0]].data as Float32Array, NUM_CLASSES).forEach((p, i) => (correct += p === fixture.test.labels[start + i] ? 1 : 0));
    }
    return correct;
  } finally {
    await session.release();
  }
}

async function switchTo(provider: 'webgpu' | 'wasm'): Promise<void> {
  await page.locator('#provider').selectOption(provider);
  await page.waitForFunction((p) => !document.documentElement.dataset.busy && document.documentElement.dataset.provider === p, provider, { timeout: 60_000 });
}

async function runTestSet(): Promise<{ correct: number; form: string | null }> {
  await page.locator('#run-test-set').click();
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('test-set')!.dataset.state!), undefined, { timeout: 120_000 });
  const panel = page.locator('#test-set');
  expect(await panel.getAttribute('data-state')).toBe('done');
  return { correct: Number(await panel.getAttribute('data-correct')), form: await panel.getAttribute('data-form') };
}

beforeAll(async () => {
  fixture = await startWebFixture();
  for (const form of FORMS) {
    const file = join(fixture.dir, 'models', `int8-${form}.onnx`);
    const { report } = await exportModel({ in: join(fixture.dir, 'models', 'tfjs'), out: file, dtype: 'int8', quantize: form });
    exported[form] = { file, report };
  }
  browser = await launchChromium({ webgpu: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  errors = collectErrors(page);
  await openReady(page, fixture.server.url);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe.each(FORMS)('the page with the int8 %s model', (form) => {
  it('loads it, says which form runs, and scores on wasm and WebGPU what was measured in Node', async () => {
    const { file, report } = exported[form];
    errors.length = 0;
    await page.locator('#model-file').setInputFiles(file);
    await page.waitForFunction(() => !document.documentElement.dataset.busy);
    expect(await page.locator('#model-info').getAttribute('data-form')).toBe(`int8 ${form}`);
    await expect(page.locator('#model-info').textContent()).resolves.toContain(`int8 ${form}`);

    await switchTo('wasm');
    const wasm = await runTestSet();
    await switchTo('webgpu');
    const gpu = await runTestSet();
    expect(wasm.form).toBe(`int8 ${form}`);
    expect(gpu.form).toBe(`int8 ${form}`);
    const v = report.verification;
    if (form === 'dynamic') {
      // One activation scale per run: the page runs 250 images at a time, export one. Integer
      // arithmetic is exact, and on WebGPU these ops run on the CPU (wasm): the same answers
      // as onnxruntime-node at the page's batch, and close to what export measured.
      const node = await nodeCorrect(file, TEST_BATCH);
      expect(wasm.correct).toBe(node);
      expect(gpu.correct).toBe(node);
      expect(Math.abs(node - v.onnxCorrect)).toBeLessThanOrEqual(0.005 * v.samples);
    } else {
      // float32 arithmetic, summed in another order on each runtime: a near-tie may flip.
      expect(Math.abs(wasm.correct - v.onnxCorrect)).toBeLessThanOrEqual(1);
      expect(Math.abs(gpu.correct - v.onnxCorrect)).toBeLessThanOrEqual(1);
    }
    console.info(`int8 ${form} in the page: wasm ${wasm.correct}, WebGPU ${gpu.correct}, export ${v.onnxCorrect} of ${v.samples}`);
    if (form === 'dynamic') {
      // What export warns about, seen from onnxruntime-web itself: the WebGPU EP takes none of
      // the integer ops, and onnxruntime says it assigned nodes elsewhere (the CPU).
      expect(errors.some((e) => /VerifyEachNodeIsAssignedToAnEp\] Some nodes were not assigned to the preferred execution providers/.test(e))).toBe(true);
      expect(errors.filter((e) => !/VerifyEachNodeIsAssignedToAnEp/.test(e))).toEqual([]);
    } else {
      // Weight-only runs entirely on WebGPU (DequantizeLinear included): no such warning.
      expect(errors).toEqual([]);
    }
  }, 240_000);
});
