import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { classifyAdapter, type AdapterIdentity, type AdapterInfo } from '@mnist-onnx/devices';
import { collectErrors, launchChromium, openReady, settledPrediction, type PagePrediction } from './helpers/browser.js';
import { traceDigit } from './helpers/draw-digit.js';
import { digitsPerClass, startWebFixture, type WebFixture } from './helpers/web-fixture.js';

// With --enable-unsafe-webgpu, Debian's CPU-only Chromium offers SwiftShader's WebGPU adapter;
// a machine with a GPU offers a hardware one. Auto must take a hardware adapter and pass over a
// software one (wasm is faster there); named explicitly, WebGPU runs on either and agrees with wasm.
let fixture: WebFixture;
let browser: Browser;
let page: Page;
let errors: string[];
let adapter: AdapterInfo | null;

/** The adapter this browser offers, asked independently of the page's own probe. */
async function browserAdapter(): Promise<AdapterInfo | null> {
  const identity = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(o: object): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null> } }).gpu;
    const found = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (!found) return null;
    const info = found.info ?? {};
    return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: Boolean(info.isFallbackAdapter ?? found.isFallbackAdapter) };
  });
  return identity ? classifyAdapter(identity as AdapterIdentity) : null;
}

async function switchTo(provider: 'webgpu' | 'wasm'): Promise<void> {
  await page.locator('#provider').selectOption(provider);
  await page.waitForFunction((p) => !document.documentElement.dataset.busy && document.documentElement.dataset.provider === p, provider, { timeout: 60_000 });
}

const maxDiff = (a: PagePrediction, b: PagePrediction) => Math.max(...a.probabilities.map((p, d) => Math.abs(p - b.probabilities[d])));

beforeAll(async () => {
  fixture = await startWebFixture();
  browser = await launchChromium({ webgpu: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  errors = collectErrors(page);
  await openReady(page, fixture.server.url);
  adapter = await browserAdapter();
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('the digit page in Chromium with WebGPU', () => {
  it('in Auto, takes a hardware adapter and passes over a software one, saying why', async () => {
    expect(adapter, 'Chromium with --enable-unsafe-webgpu offers an adapter').not.toBeNull();
    const provider = await page.evaluate(() => document.documentElement.dataset.provider);
    if (adapter!.kind === 'hardware') {
      expect(provider).toBe('webgpu');
      await expect(page.locator('#active-provider').textContent()).resolves.toMatch(/^WebGPU · .+ · session \d+ ms$/);
      expect(await page.locator('#skipped-providers').isHidden()).toBe(true);
    } else {
      expect(provider).toBe('wasm');
      const skipped = await page.locator('#skipped-providers li[data-provider="webgpu"]').textContent();
      expect(skipped).toBe(`WebGPU skipped: only a software adapter (${adapter!.description}); wasm is faster`);
    }
  });

  it('runs on WebGPU when it is chosen, naming the adapter', async () => {
    await switchTo('webgpu');
    const active = await page.locator('#active-provider').textContent();
    expect(active).toMatch(/^WebGPU · .+ · session \d+ ms$/);
    expect(active).toContain(adapter!.description);
    if (adapter!.kind === 'software') expect(active).toContain('(a software adapter: expect it to be slower than wasm)');
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
