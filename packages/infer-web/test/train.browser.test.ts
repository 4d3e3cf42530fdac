import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { classifyAdapter, type AdapterIdentity } from '@mnist-onnx/devices';
import { runCli, TEST_RESULTS_DIR } from '@mnist-onnx/test-support';
import { launchChromium, openFreshPage, settledPrediction, type FreshPage } from './helpers/browser.js';
import { traceDigit } from './helpers/draw-digit.js';
import { digitsPerClass, startWebFixture, type WebFixture } from './helpers/web-fixture.js';

// The whole pipeline in the page, in real headless Chromium with the WebGPU flag (SwiftShader's
// adapter without a GPU): the Train panel trains with tfjs on wasm, exports ONNX with the export
// package's builder, verifies it in onnxruntime-web against tfjs, swaps it into the classifier,
// and offers it as a download that `pnpm infer` scores exactly as the page did.
let fixture: WebFixture;
let browser: Browser;
let fresh: FreshPage;
let page: Page;

interface PanelState {
  state: string;
  backend?: string;
  steps?: string;
  loss?: string;
  maxAbsDiff?: string;
  agreement?: string;
  samples?: string;
  onnxCorrect?: string;
  points?: string;
  /** The last finished epoch and its training speed (what the web bench reads). */
  epochDone?: string;
  epochSamplesPerSecond?: string;
}

const panel = (): Promise<PanelState> => page.evaluate(() => ({ ...document.getElementById('train')!.dataset, points: document.getElementById('train-chart')?.dataset.points }) as PanelState);

async function openPanel(): Promise<void> {
  // tfjs is not in the page before the panel opens: it is a chunk of its own.
  expect(await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /train-panel|tfjs/.test(e.name)).length)).toBe(0);
  await page.locator('#open-train').click();
  await page.locator('#train-start').waitFor({ timeout: 30_000 });
}

async function startTraining(backend: string, epochs: number, maxBatches = '', lr = ''): Promise<void> {
  await page.locator('#train-preset').selectOption('default');
  await page.locator('#train-backend-choice').selectOption(backend);
  await page.locator('#train-epochs').fill(String(epochs));
  await page.locator('#train-max-batches').fill(maxBatches);
  await page.locator('#train-lr').fill(lr);
  await page.locator('#train-start').click();
}

/** Runs `body` on a page of its own (a new context) as `page`; the file's shared page comes back after. */
async function onOwnPage(body: (own: FreshPage) => Promise<void>): Promise<void> {
  const own = await openFreshPage(browser, fixture.server.url);
  page = own.page;
  try {
    await body(own);
  } finally {
    page = fresh.page;
    await own.close();
  }
}

const settledStates = ['done', 'failed', 'error', 'stopped'];

async function waitSettled(timeout: number): Promise<PanelState> {
  await page.waitForFunction((states) => states.includes(document.getElementById('train')!.dataset.state!), settledStates, { timeout });
  return panel();
}

/** A style MNIST does not have: a bar with a hook, drawn nine ways (slant and hook length); what the page reads it as. */
async function drawHookedBar(variant: number) {
  // Escape clears the pad unless a form control has the focus.
  await page.locator('#pad').focus();
  await page.keyboard.press('Escape');
  // Measured after the focus, which scrolls the pad back into view once a label button was clicked.
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  const at = (x: number, y: number) => [box.x + box.width * x, box.y + box.height * y] as const;
  const slant = (variant % 3) * 0.06;
  await page.mouse.move(...at(0.2, 0.45 - slant));
  await page.mouse.down();
  await page.mouse.move(...at(0.8, 0.45 + slant), { steps: 8 });
  await page.mouse.move(...at(0.8, 0.55 + slant + 0.04 * Math.floor(variant / 3)), { steps: 4 });
  await page.mouse.up();
  return settledPrediction(page);
}

/** Draws the nine hooked bars and labels each as a digit the model in use reads none of them as. */
async function labelHookedBars(): Promise<number> {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const predicted = new Set<number>();
  for (let v = 0; v < 9; v++) predicted.add((await drawHookedBar(v))!.digit);
  const label = [...Array(10).keys()].find((d) => !predicted.has(d))!;
  for (let v = 0; v < 9; v++) {
    await drawHookedBar(v);
    await page.locator(`#label-${label}`).click();
  }
  expect(await page.evaluate(() => document.getElementById('train')!.dataset.examples)).toBe('9');
  return label;
}

/**
 * Fine-tunes on the labelled drawings and waits for the run: it must end 'done', with the three
 * held-out drawings all misread before and some read right after.
 */
async function fineTuneOnLabelled() {
  await page.locator('#fine-tune').click();
  const result = await waitSettled(90_000);
  expect(result.state, await page.locator('#train-message').textContent() ?? '').toBe('done');
  const holdout = await page.evaluate(() => ({ ...document.getElementById('train')!.dataset }));
  expect(holdout.holdoutCount).toBe('3');
  expect(holdout.holdoutBefore).toBe('0');
  expect(Number(holdout.holdoutAfter)).toBeGreaterThan(0);
  return { result, holdout };
}

beforeAll(async () => {
  fixture = await startWebFixture();
  browser = await launchChromium({ webgpu: true });
});

afterAll(async () => {
  await fresh?.close();
  await browser?.close();
  await fixture?.close();
});

describe('the Train panel in Chromium', () => {
  it('trains an epoch on wasm, exports a verified ONNX file, swaps it in and offers what pnpm infer scores the same', async () => {
    fresh = await openFreshPage(browser, fixture.server.url);
    page = fresh.page;
    await openPanel();
    await startTraining('wasm', 1);
    // The page stays responsive while it trains: a frame comes within a second.
    await page.waitForFunction(() => document.getElementById('train')!.dataset.state === 'training', undefined, { timeout: 30_000 });
    const frameMs = await page.evaluate(() => new Promise<number>((resolve) => {
      const asked = performance.now();
      requestAnimationFrame(() => resolve(performance.now() - asked));
    }));
    expect(frameMs).toBeLessThan(1000);

    const result = await waitSettled(60_000);
    expect(result.state, await page.locator('#train-message').textContent() ?? '').toBe('done');
    expect(result.backend).toBe('wasm');
    expect(Number(result.steps)).toBe(Math.ceil(8004 / 50));
    expect(Number.isFinite(Number(result.loss))).toBe(true);
    // Loss read back every 10 steps (17 points in 161 steps) plus three per epoch.
    expect(Number(result.points)).toBeGreaterThanOrEqual(17 + 3);
    expect(Number(result.maxAbsDiff)).toBeLessThanOrEqual(1e-4);
    expect(Number(result.samples)).toBe(fixture.test.count);
    expect(Number(result.agreement)).toBe(fixture.test.count);
    const pageCorrect = Number(result.onnxCorrect);
    // One epoch of the default recipe reads well over 85% of the test set.
    expect(pageCorrect / fixture.test.count).toBeGreaterThan(0.85);

    // Swapped in without a reload: the classifier runs the page's own model now.
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp-page.onnx');
    const picks = digitsPerClass(fixture.test, 1);
    // The panel is below the fold after training: bring the canvas back under the mouse.
    await page.locator('#pad').scrollIntoViewIfNeeded();
    let read = 0;
    for (const index of picks) {
      await page.keyboard.press('Escape');
      await traceDigit(page, fixture.test.image(index), { fill: 0.9 });
      if ((await settledPrediction(page))?.digit === fixture.test.labels[index]) read++;
    }
    expect(read).toBeGreaterThanOrEqual(8);

    // The download is the file the page verified: pnpm infer scores it the same, digit for digit.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#train-download').click()]);
    expect(download.suggestedFilename()).toBe('mnist-mlp-page.onnx');
    const file = join(fixture.dir, 'downloaded.onnx');
    await download.saveAs(file);
    const infer = await runCli('infer', ['--model', file, '--json']);
    expect(infer.stderr).toBe('');
    expect(infer.code).toBe(0);
    const report = JSON.parse(infer.stdout) as { correct: number; count: number };
    expect(report.count).toBe(fixture.test.count);
    expect(report.correct).toBe(pageCorrect);
    expect(await fresh.cspViolations()).toEqual([]);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Math.max(1, Math.floor(cores / 2));
    expect(await page.locator('#train').getAttribute('data-backend-detail')).toMatch(new RegExp(`^WebAssembly, SIMD, ${threads} threads?`));
    // For the README's walk-through: the panel after a run, curves, verification and download.
    const outDir = join(TEST_RESULTS_DIR, 'infer-web');
    await mkdir(outDir, { recursive: true });
    await page.locator('#train').screenshot({ path: join(outDir, 'train-panel.png') });
  }, 120_000);

  it('trains a few steps on WebGPU when picked, and Stop keeps the model in use', async () => {
    await startTraining('webgpu', 1);
    await page.waitForFunction(() => Number(document.getElementById('train')!.dataset.steps) >= 3 && document.getElementById('train')!.dataset.backend === 'webgpu', undefined, { timeout: 60_000 });
    await page.locator('#train-stop').click();
    const result = await waitSettled(30_000);
    expect(result.state).toBe('stopped');
    expect(result.backend).toBe('webgpu');
    expect(Number(result.steps)).toBeGreaterThanOrEqual(3);
    expect(Number.isFinite(Number(result.loss))).toBe(true);
    await expect(page.locator('#train-status').textContent()).resolves.toMatch(/^Stopped after \d+ steps on webgpu\. The model in use is kept/);
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp-page.onnx');
    expect(fresh.errors).toEqual([]);
  }, 90_000);

  it('Auto trains where the device policy says: WebGPU on a hardware adapter, else wasm, saying why', async () => {
    const identity = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown> } | null> } }).gpu;
      const info = (await gpu?.requestAdapter())?.info;
      return info ? { vendor: info.vendor, architecture: info.architecture, description: info.description, isFallbackAdapter: Boolean(info.isFallbackAdapter) } : null;
    });
    const adapter = identity ? classifyAdapter(identity as AdapterIdentity) : null;
    await startTraining('auto', 1);
    await page.waitForFunction(() => Number(document.getElementById('train')!.dataset.steps) >= 1, undefined, { timeout: 60_000 });
    await page.locator('#train-stop').click();
    const result = await waitSettled(30_000);
    expect(result.state).toBe('stopped');
    const line = await page.locator('#train-backend').textContent();
    if (adapter?.kind === 'hardware') {
      expect(result.backend).toBe('webgpu');
    } else {
      expect(result.backend).toBe('wasm');
      expect(line).toMatch(adapter ? /webgpu skipped: only a software adapter \(.+\); wasm is faster/ : /webgpu skipped: /);
    }
    expect(line).toContain('webgl skipped: WebGL is used only when picked');
  }, 60_000);

  it('a run that diverges stops with a message, and the model in use stays', async () => {
    await startTraining('wasm', 1, '', '1e6');
    const result = await waitSettled(60_000);
    expect(result.state).toBe('error');
    await expect(page.locator('#train-message').textContent()).resolves.toMatch(/^training diverged in epoch 1, batch \d+: the loss is (NaN|Infinity) \(try a lower learning rate\)\. The model in use is kept\.$/);
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp-page.onnx');
    expect(await page.locator('#train-download').isHidden()).toBe(false);
    await page.locator('#train-lr').fill('');
  }, 60_000);

  // A learning rate far too high for AdamW (3) leaves the loss finite but the logits in the
  // thousands, where float32 sums done in another order (XNNPACK in tfjs, MLAS in onnxruntime)
  // differ by far more than 1e-4: a real model that really fails the export's check.
  it('never swaps in or offers a model that fails verification, and says why', async () => {
    const offered = await page.locator('#train-download').getAttribute('href');
    const inUse = await page.locator('#model-info').textContent();
    await startTraining('wasm', 1, '40', '3');
    const result = await waitSettled(90_000);
    expect(result.state).toBe('failed');
    expect(Number(result.maxAbsDiff)).toBeGreaterThan(1e-4);
    await expect(page.locator('#train-message').textContent()).resolves.toMatch(/^the ONNX file does not reproduce the tfjs model: max \|Δlogit\| \S+ is above 0\.0001\. The model in use is kept\.$/);
    // The panel describing the model in use (its file, form, accuracy it was trained to) is as it was.
    expect(await page.locator('#model-info').textContent()).toBe(inUse);
    // Nothing of this run is offered: the download is withdrawn or still the last verified model's.
    expect([null, offered]).toContain(await page.locator('#train-download').getAttribute('href'));
    await page.locator('#train-lr').fill('');
    await page.locator('#train-max-batches').fill('');
  }, 120_000);

  // tfjs-wasm takes half the logical cores for its XNNPACK pool (1 below 4 cores, so the plain
  // build); a page that says it has 4 makes it start its threaded build here too, whose pthreads
  // are blob: workers the page's CSP must allow.
  it('trains on wasm with tfjs\'s threads where the page is cross-origin isolated, under its CSP', async () => {
    await onOwnPage(async (threaded) => {
    await threaded.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }));
    await threaded.page.reload();
    await threaded.page.waitForFunction(() => document.documentElement.dataset.provider !== undefined, undefined, { timeout: 30_000 });
    await page.locator('#open-train').click();
    await page.locator('#train-start').waitFor({ timeout: 30_000 });
    await startTraining('wasm', 2, '3');
    const result = await waitSettled(90_000);
    expect(result.state).toBe('done');
    // The speed the panel reports is the last epoch's: the web bench reads the second (warm) one.
    expect(result.epochDone).toBe('2');
    expect(Number(result.epochSamplesPerSecond)).toBeGreaterThan(0);
    expect(await page.locator('#train').getAttribute('data-backend-detail')).toBe('WebAssembly, SIMD, 2 threads');
    expect(page.workers().length).toBeGreaterThanOrEqual(2);
    expect(await threaded.cspViolations()).toEqual([]);
    expect(threaded.errors).toEqual([]);
    });
  }, 120_000);

  it('learns a handwriting style from labelled drawings: the held-out ones improve, and the store survives a reload, corruption and Clear', async () => {
    await page.locator('#train-backend-choice').selectOption('wasm');
    await labelHookedBars();

    const { result } = await fineTuneOnLabelled();
    await page.locator('#handwriting').screenshot({ path: join(TEST_RESULTS_DIR, 'infer-web', 'train-handwriting.png') });
    expect(Number(result.maxAbsDiff)).toBeLessThanOrEqual(1e-4);
    expect(Number(result.agreement)).toBe(fixture.test.count);

    // Stored in the browser: a reload keeps them; corrupt or older data is ignored with a notice.
    const reopen = async () => {
      await page.reload();
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      await page.locator('#open-train').click();
      await page.locator('#train-start').waitFor();
    };
    await reopen();
    expect(await page.locator('#examples-count').textContent()).toMatch(/^9 examples stored/);
    await page.evaluate(() => localStorage.setItem('mnist-onnx:handwriting', '{"format":"mnist-onnx-handwriting","version":0,"examples":[]}'));
    await reopen();
    await expect(page.locator('#examples-notice').textContent()).resolves.toMatch(/from format version 0, not 1, and were ignored/);
    await page.evaluate(() => localStorage.setItem('mnist-onnx:handwriting', '{not json'));
    await reopen();
    await expect(page.locator('#examples-notice').textContent()).resolves.toMatch(/not readable \(corrupt data\) and were ignored/);
    expect(await page.locator('#examples-count').textContent()).toBe('No examples stored yet.');
    await page.locator('#clear-examples').click();
    expect(await page.evaluate(() => localStorage.getItem('mnist-onnx:handwriting'))).toBeNull();
    expect(fresh.errors).toEqual([]);
  }, 150_000);

  it('fine-tunes the model in use without training first: a refused file says why, the opened default model is read back from its ONNX', async () => {
    await onOwnPage(async (start) => {
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp.onnx');
    await page.locator('#open-train').click();
    await page.locator('#train-start').waitFor({ timeout: 30_000 });
    await page.locator('#train-backend-choice').selectOption('wasm');
    await labelHookedBars();
    const open = async (file: string, name: string) => {
      await page.locator('#model-file').setInputFiles(file);
      await page.waitForFunction((n) => document.getElementById('model-info')?.dataset.file === n, name, { timeout: 30_000 });
    };

    // A graph the importer does not know (a Reshape before the first Gemm): one line, nothing runs.
    await open(fixture.models.nchw, 'nchw-input.onnx');
    await page.locator('#fine-tune').click();
    await expect(page.locator('#train-message').textContent()).resolves.toBe('nchw-input.onnx: fine-tuning starts from a float32 (or float16) model written by mnist-onnx; this one contains a Reshape node, which an mnist-onnx float MLP does not: open or export a float32 model written by mnist-onnx.');
    expect(await page.evaluate(() => document.getElementById('train')!.dataset.holdoutCount)).toBeUndefined();
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('nchw-input.onnx');

    // The default model, opened as a file: pnpm export's float32, normalisation folded in.
    await open(fixture.models.flat, 'mnist-mlp.onnx');
    const { result, holdout } = await fineTuneOnLabelled();
    await expect(page.locator('#handwriting').textContent()).resolves.toContain(`Your held-out drawings: 0/3 read right before fine-tuning, ${holdout.holdoutAfter}/3 after.`);
    expect(Number(result.maxAbsDiff)).toBeLessThanOrEqual(1e-4);
    expect(Number(result.agreement)).toBe(fixture.test.count);
    // Fine-tuned from the fixture's trained weights, not from scratch: one pass keeps it reading MNIST.
    expect(Number(result.onnxCorrect) / fixture.test.count).toBeGreaterThan(0.92);
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp-page.onnx');
    expect(start.errors).toEqual([]);
    });
  }, 150_000);

  // Last in the file: it crashes the browser's GPU process (CDP Browser.crashGpuProcess), which
  // loses every WebGPU device of the browser at once, as a driver reset does.
  it('ends a run whose WebGPU device is lost with a message, then refuses WebGPU saying why and lets wasm train', async () => {
    await onOwnPage(async () => {
    await page.locator('#open-train').click();
    await page.locator('#train-start').waitFor({ timeout: 30_000 });
    await startTraining('webgpu', 1);
    await page.waitForFunction(() => Number(document.getElementById('train')!.dataset.steps) >= 2, undefined, { timeout: 60_000 });
    const cdp = await browser.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess');
    await cdp.detach();
    const result = await waitSettled(30_000);
    expect(result.state).toBe('error');
    await expect(page.locator('#train-message').textContent()).resolves.toMatch(/^the WebGPU device was lost while training \(.+\)\. Pick another backend and train again\.$/);
    await startTraining('webgpu', 1, '2');
    expect((await waitSettled(30_000)).state).toBe('error');
    await expect(page.locator('#train-message').textContent()).resolves.toMatch(/^the training backend webgpu cannot start: the WebGPU device was lost earlier in this page \(.+\); reload the page to train on WebGPU again\. Pick another backend and train again\.$/);
    await startTraining('wasm', 1, '2');
    const recovered = await waitSettled(60_000);
    expect(recovered.state).toBe('done');
    expect(recovered.backend).toBe('wasm');
    });
  }, 120_000);
});
