import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { TEST_RESULTS_DIR } from '@mnist-onnx/test-support';
import { collectErrors, launchChromium, openFreshPage, openReady, settledPrediction, type FreshPage } from './helpers/browser.js';
import { traceDigit } from './helpers/draw-digit.js';
import { nodeTestSetConfusion } from './helpers/node-reference.js';
import { digitsPerClass, startWebFixture, type WebFixture } from './helpers/web-fixture.js';

// The built page, served like any static host would serve it, in Debian's headless Chromium
// without the WebGPU flag: the wasm execution provider. Every test opens the page afresh in a
// context of its own, so none inherits another's drawing, model or provider.
let fixture: WebFixture;
let browser: Browser;
let fresh: FreshPage;
let page: Page;

async function loadModelFile(file: string): Promise<void> {
  await page.locator('#model-file').setInputFiles(file);
  await page.waitForFunction(() => !document.documentElement.dataset.busy);
}

beforeAll(async () => {
  fixture = await startWebFixture();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

beforeEach(async () => {
  fresh = await openFreshPage(browser, fixture.server.url);
  page = fresh.page;
});

afterEach(async () => {
  await fresh?.close();
});

describe('the digit page in Chromium without WebGPU', () => {
  it('falls back to wasm and says why WebGPU was skipped', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.provider)).toBe('wasm');
    await expect(page.locator('#active-provider').textContent()).resolves.toMatch(/^WebAssembly \(wasm\) · 1 thread · session \d+ ms$/);
    const skipped = await page.locator('#skipped-providers li[data-provider="webgpu"]').textContent();
    expect(skipped).toMatch(/^WebGPU skipped: (the browser found no WebGPU adapter|this browser does not offer WebGPU)/);
  });

  it('is cross-origin isolated under its CSP, with no violations or errors', async () => {
    const response = await page.request.get(fixture.server.url);
    const headers = response.headers();
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval' blob:;");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await fresh.cspViolations()).toEqual([]);
    expect(fresh.errors).toEqual([]);
  });

  it('shows no prediction and no error for an empty canvas', async () => {
    // The first live prediction has run (on nothing), not just the page's initial markup.
    await page.waitForFunction(() => Number(document.getElementById('prediction')!.dataset.runs) >= 1);
    await expect(settledPrediction(page)).resolves.toBeNull();
    await expect(page.locator('#top-digit').textContent()).resolves.toBe('·');
    await expect(page.locator('#message').isHidden()).resolves.toBe(true);
    expect(fresh.errors).toEqual([]);
  });

  it('reads at least 90% of 40 real test digits traced on the canvas with the mouse', async () => {
    const picks = digitsPerClass(fixture.test, 4);
    const misses: string[] = [];
    for (const index of picks) {
      await page.keyboard.press('Escape');
      await traceDigit(page, fixture.test.image(index), { fill: 0.9 });
      const prediction = await settledPrediction(page);
      const label = fixture.test.labels[index];
      if (prediction?.digit !== label) misses.push(`test #${index}: ${label} read as ${prediction?.digit}`);
    }
    console.info(`traced digits read correctly: ${picks.length - misses.length}/${picks.length}${misses.length ? ` (${misses.join('; ')})` : ''}`);
    expect(picks).toHaveLength(40);
    expect(misses.length).toBeLessThanOrEqual(4);
    expect(fresh.errors).toEqual([]);
  });

  it('undoes and clears from the buttons and the keyboard, and undoes a clear', async () => {
    const strokes = () => page.locator('#pad').getAttribute('data-strokes');
    const strokeCount = await traceDigit(page, fixture.test.image(digitsPerClass(fixture.test, 1)[1]));
    await settledPrediction(page);
    expect(await strokes()).toBe(String(strokeCount));
    await page.keyboard.press('Control+z');
    await settledPrediction(page);
    expect(await strokes()).toBe(String(strokeCount - 1));
    await page.locator('#undo').click();
    await settledPrediction(page);
    expect(await strokes()).toBe(String(strokeCount - 2));
    await page.keyboard.press('Escape');
    await expect(settledPrediction(page)).resolves.toBeNull();
    await page.keyboard.press('Control+z');
    await expect(settledPrediction(page)).resolves.not.toBeNull();
    expect(await strokes()).toBe(String(strokeCount - 2));
    await page.locator('#clear').click();
    await expect(settledPrediction(page)).resolves.toBeNull();
    await expect(page.locator('#clear').isDisabled()).resolves.toBe(true);
  });

  it('predicts at most once per animation frame however many pointer events arrive', async () => {
    await settledPrediction(page);
    const runsBefore = Number(await page.locator('#prediction').getAttribute('data-runs'));
    // 60 pointer events in one task: one frame, so one prediction.
    await page.evaluate(() => {
      const pad = document.getElementById('pad')!;
      const r = pad.getBoundingClientRect();
      const send = (type: string, t: number) =>
        pad.dispatchEvent(new PointerEvent(type, { pointerId: 7, pointerType: 'pen', isPrimary: true, button: 0, bubbles: true, cancelable: true, clientX: r.left + r.width * 0.5, clientY: r.top + r.height * (0.2 + 0.6 * t) }));
      send('pointerdown', 0);
      for (let i = 1; i <= 58; i++) send('pointermove', i / 58);
      send('pointerup', 1);
    });
    const prediction = await settledPrediction(page);
    expect(prediction?.digit).toBe(1);
    const runs = Number(await page.locator('#prediction').getAttribute('data-runs')) - runsBefore;
    expect(runs).toBe(1);
  });

  it('runs the test set in the page with the same accuracy as onnxruntime-node', async () => {
    await page.locator('#run-test-set').click();
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('test-set')!.dataset.state!), undefined, { timeout: 60_000 });
    const panel = page.locator('#test-set');
    expect(await panel.getAttribute('data-state')).toBe('done');
    const node = await nodeTestSetConfusion(fixture.models.flat, fixture.test);
    expect(Number(await panel.getAttribute('data-count'))).toBe(fixture.test.count);
    expect(Number(await panel.getAttribute('data-correct'))).toBe(node.correct);
    expect(JSON.parse((await panel.getAttribute('data-confusion'))!)).toEqual(node.confusion);
    expect(Number(await panel.getAttribute('data-images-per-second'))).toBeGreaterThan(0);
    expect(await page.locator('#confusion tbody tr').count()).toBe(10);
    console.info(`test set in the page (wasm): ${node.correct}/${fixture.test.count}, ${await panel.getAttribute('data-images-per-second')} images/s`);
  });

  it('reads input layout and pixel convention from the model: three variants, one answer', async () => {
    const image = fixture.test.image(digitsPerClass(fixture.test, 1)[3]);
    await traceDigit(page, image);
    const flat = await settledPrediction(page);
    for (const [file, input] of [[fixture.models.normalized, /^pixels \[N, 784\]$/], [fixture.models.nchw, /^image \[N, 1, 28, 28\]$/]] as const) {
      await loadModelFile(file);
      expect(await page.locator('#model-info').getAttribute('data-file')).toBe(file.split('/').pop());
      await expect(page.locator('#model-info dd').nth(3).textContent()).resolves.toMatch(input);
      // Draw again: a new revision is predicted by the model just loaded, not read from before.
      await page.keyboard.press('Escape');
      await traceDigit(page, image);
      const other = await settledPrediction(page);
      expect(other?.digit).toBe(flat?.digit);
      other!.probabilities.forEach((p, d) => expect(Math.abs(p - flat!.probabilities[d])).toBeLessThan(1e-5));
    }
    await expect(page.locator('#model-info').textContent()).resolves.toContain('probabilities [N, 10]');
  });

  it('shows an error for a corrupt .onnx file and keeps predicting with the model it had', async () => {
    const image = fixture.test.image(digitsPerClass(fixture.test, 1)[7]);
    await traceDigit(page, image, { fill: 0.9 });
    const before = await settledPrediction(page);
    await loadModelFile(fixture.models.corrupt);
    const message = page.locator('#message');
    await expect(message.isVisible()).resolves.toBe(true);
    await expect(message.textContent()).resolves.toMatch(/^corrupt\.onnx: not an ONNX model \(.+\)$/);
    expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp.onnx');
    await page.keyboard.press('Escape');
    await expect(settledPrediction(page)).resolves.toBeNull();
    await traceDigit(page, image, { fill: 0.9 });
    const after = await settledPrediction(page);
    expect(after).not.toBeNull();
    expect(after!.digit).toBe(before!.digit);
    after!.probabilities.forEach((p, d) => expect(Math.abs(p - before!.probabilities[d])).toBeLessThan(1e-6));
    expect(fresh.errors).toEqual([]);
    expect(await fresh.cspViolations()).toEqual([]);
  });

  it('fits a phone screen, draws with touch, and follows the dark colour scheme', async () => {
    const outDir = join(TEST_RESULTS_DIR, 'infer-web');
    await mkdir(outDir, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme });
      const p = await phone.newPage();
      const phoneErrors = collectErrors(p);
      await openReady(p, fixture.server.url);
      // A "1" drawn with a finger: touch events through the DevTools protocol.
      const box = (await p.locator('#pad').boundingBox())!;
      const cdp = await phone.newCDPSession(p);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', t: number) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: box.x + box.width * 0.52, y: box.y + box.height * (0.15 + 0.7 * t) }] });
      await touch('touchStart', 0);
      for (let i = 1; i <= 12; i++) await touch('touchMove', i / 12);
      await touch('touchEnd', 1);
      await expect(settledPrediction(p)).resolves.toMatchObject({ digit: 1 });
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const background = await p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(background).toBe(colorScheme === 'dark' ? 'rgb(14, 15, 22)' : 'rgb(244, 245, 251)');
      await p.screenshot({ path: join(outDir, `phone-${colorScheme}.png`), fullPage: true });
      expect(phoneErrors).toEqual([]);
      await phone.close();
    }
  });
});
