import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchChromium, openReady, settledPrediction, type PagePrediction } from './helpers/browser.js';
import { traceDigit } from './helpers/draw-digit.js';
import { digitsPerClass, startWebFixture, type WebFixture } from './helpers/web-fixture.js';

// With --enable-unsafe-webgpu, Debian's CPU-only Chromium offers SwiftShader's WebGPU adapter:
// the page must pick WebGPU first and agree with wasm.
let fixture: WebFixture;
let browser: Browser;
let page: Page;
let errors: string[];

async function switchTo(provider: 'webgpu' | 'wasm'): Promise<void> {
  await page.locator('#provider').selectOption(provider);
  await page.waitForFunction((p) => !document.documentElement.dataset.busy && document.documentElement.dataset.provider === p, provider, { timeout: 60_000 });
}

const maxDiff = (a: PagePrediction, b: PagePrediction) => Math.max(...a.probabilities.map((p, d) => Math.abs(p - b.probabilities[d])));

beforeAll(async () => {
  fixture = await startWebFixture('preview');
  browser = await launchChromium({ webgpu: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  errors = collectErrors(page);
  await openReady(page, fixture.server.url);
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('the digit page in Chromium with WebGPU', () => {
  it('runs on WebGPU first and names the adapter', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.provider)).toBe('webgpu');
    await expect(page.locator('#active-provider').textContent()).resolves.toMatch(/^WebGPU · .+ · session \d+ ms$/);
    expect(await page.locator('#skipped-providers').isHidden()).toBe(true);
  });

  it('gives the same probabilities on WebGPU and wasm, within 1e-4', async () => {
    const [first, second] = digitsPerClass(fixture.test, 1).slice(2, 4);
    await traceDigit(page, fixture.test.image(first), { fill: 0.9 });
    const gpuFirst = (await settledPrediction(page))!;
    await switchTo('wasm');
    const wasmFirst = (await settledPrediction(page))!;
    await page.keyboard.press('Escape');
    await traceDigit(page, fixture.test.image(second), { fill: 0.9 });
    const wasmSecond = (await settledPrediction(page))!;
    await switchTo('webgpu');
    const gpuSecond = (await settledPrediction(page))!;
    console.info(`WebGPU vs wasm: max |Δp| ${maxDiff(gpuFirst, wasmFirst).toExponential(2)}, ${maxDiff(gpuSecond, wasmSecond).toExponential(2)}`);
    expect(maxDiff(gpuFirst, wasmFirst)).toBeLessThan(1e-4);
    expect(maxDiff(gpuSecond, wasmSecond)).toBeLessThan(1e-4);
    expect(gpuFirst.digit).toBe(wasmFirst.digit);
    expect(gpuSecond.digit).toBe(wasmSecond.digit);
    expect(errors).toEqual([]);
  });
});
