// Speed of the page in headless Chromium, per execution provider:
//   navigation → ready-to-predict (model and runtime in the HTTP cache), median latency of one
//   live prediction (preprocessing + inference + drawing the result), test-set images/s.
// Usage: pnpm --filter @mnist-onnx/infer-web bench [-- --model FILE] (default: artifacts/model/mnist-mlp.onnx,
// else a small model trained on the spot).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifactPaths, loadDataset } from '@mnist-onnx/mnist/node';
import { startWebServer } from '../src/index.js';
import { launchChromium, openReady, settledPrediction } from '../test/helpers/browser.js';
import { traceDigit } from '../test/helpers/draw-digit.js';
import { writeFixtureModels } from '../test/helpers/fixture-models.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function navigationMs(page: Page, url: string, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await openReady(page, url);
    out.push(performance.now() - started);
  }
  return out;
}

/** 60 live predictions of one drawn digit, one per frame; the page's own median of the last 50. */
async function predictionLatencyMs(page: Page, image: Uint8Array): Promise<number> {
  await traceDigit(page, image, { fill: 0.9 });
  await settledPrediction(page);
  // A string, not a function: tsx would wrap inner functions in a `__name` helper the page lacks.
  await page.evaluate(`(async () => {
    const pad = document.getElementById('pad');
    const r = pad.getBoundingClientRect();
    const event = (type) => new PointerEvent(type, { pointerId: 9, pointerType: 'pen', button: 0, bubbles: true, clientX: r.left + 2, clientY: r.top + 2 });
    pad.dispatchEvent(event('pointerdown'));
    for (let i = 0; i < 60; i++) {
      pad.dispatchEvent(event('pointermove'));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    pad.dispatchEvent(event('pointerup'));
  })()`);
  await settledPrediction(page);
  return Number(await page.locator('#latency').getAttribute('data-median-ms'));
}

async function testSetImagesPerSecond(page: Page, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.locator('#run-test-set').click();
    await page.waitForFunction(() => document.getElementById('test-set')!.dataset.state === 'done' && !(document.getElementById('run-test-set') as HTMLButtonElement).disabled, undefined, { timeout: 120_000 });
    out.push(Number(await page.locator('#test-set').getAttribute('data-images-per-second')));
    await page.evaluate(() => (document.getElementById('test-set')!.dataset.state = 'idle'));
  }
  return out;
}

const argIndex = process.argv.indexOf('--model');
const dir = await mkdtemp(join(tmpdir(), 'infer-web-bench-'));
try {
  const dataset = await loadDataset('embedded');
  let model = argIndex > 0 ? process.argv[argIndex + 1] : artifactPaths.onnxModel();
  if (!existsSync(model)) {
    console.log(`${model} not found: training a 4-epoch model with pnpm train's code instead`);
    model = (await writeFixtureModels(join(dir, 'models'))).flat;
  }
  const server = await startWebServer({ mode: 'preview', modelFile: model, testDataDir: dataset.dir, outDir: join(dir, 'dist'), port: 0, logLevel: 'error' });
  const rows: string[] = [];
  try {
    for (const provider of ['wasm', 'webgpu'] as const) {
      const browser = await launchChromium({ webgpu: provider === 'webgpu' });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const cold = (await navigationMs(page, server.url, 1))[0];
        const warm = await navigationMs(page, server.url, 5);
        const active = await page.evaluate(() => document.documentElement.dataset.provider);
        if (active !== provider) throw new Error(`expected the page on ${provider}, it runs on ${active}`);
        const latency = await predictionLatencyMs(page, dataset.test.image(0));
        const rates = await testSetImagesPerSecond(page, provider === 'webgpu' ? 2 : 5);
        rows.push(`| ${provider} | ${cold.toFixed(0)} | ${median(warm).toFixed(0)} | ${latency.toFixed(2)} | ${Math.round(median(rates)).toLocaleString('en-US')} (runs: ${rates.map((r) => Math.round(r)).join(', ')}) |`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  console.log(`model: ${model}`);
  console.log('| EP | first navigation → ready, ms | navigation → ready, cached, median of 5, ms | one prediction incl. preprocessing, median, ms | test set images/s (batch 250), median |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await rm(dir, { recursive: true, force: true });
}
