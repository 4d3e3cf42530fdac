// Speed of the digit page in headless Chromium, per configuration, as the README's browser table:
//   first load → ready (empty profile), reload → ready (model and runtime in the HTTP cache),
//   one live prediction (the page's own clock: canvas read-back, preprocessing, inference, panel
//   update), the browser's rendering per frame after it (from a Chromium trace), and test-set
//   images/s. Each figure is the median over several runs with its range; every run is a fresh
//   browser with a new profile folder on disk, like a person's browser (disk cache, code cache).
// Usage: pnpm --filter @mnist-onnx/infer-web bench [-- --model FILE] [--runs N]
//   (default model: artifacts/model/mnist-mlp.onnx, else the MLP trained for 4 epochs on the spot)
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { startWebServer } from '../src/index.js';
import { benchArgs, benchModel, withTempDir } from './bench-setup.js';
import { nodeTrainingSamplesPerSecond, pageTrainingFigures } from './page-training.js';
import { digitStrokes, drawStrokes, liveMoves, openProfile, openReady, predictionTimes } from './page-driver.js';
import { renderingPerFrame, traceDuring } from './trace-costs.js';

const args = benchArgs({ model: { type: 'string' }, runs: { type: 'string', default: '3' } });
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`error: --runs ${args.runs}: expected a whole number ≥ 1`);
  process.exit(1);
}

interface Configuration {
  label: string;
  /** Appended to the page URL: the page's own ?ep= and ?threads= switches. */
  query: string;
  webgpu: boolean;
  provider: 'wasm' | 'webgpu';
  runs: number;
  reloads: number;
  testSetPasses: number;
}

const CONFIGURATIONS: Configuration[] = [
  { label: 'wasm, 1 thread (what Auto runs without a hardware GPU)', query: '', webgpu: false, provider: 'wasm', runs: RUNS, reloads: 5, testSetPasses: 3 },
  { label: 'wasm, 2 threads (`?threads=2`, reference)', query: '?threads=2', webgpu: false, provider: 'wasm', runs: RUNS, reloads: 5, testSetPasses: 3 },
  // A software adapter: Auto skips it, so the page is told to use it (`?ep=webgpu`).
  { label: 'WebGPU on SwiftShader, picked explicitly (`?ep=webgpu`)', query: '?ep=webgpu', webgpu: true, provider: 'webgpu', runs: Math.min(RUNS, 2), reloads: 3, testSetPasses: 1 },
];

interface RunFigures {
  firstLoadMs: number;
  /** Bytes the first load fetched before the page was ready (all of it JS, wasm, model…), KB. */
  pageWeightKb: number;
  /** Of which JavaScript, KB. */
  scriptKb: number;
  reloadMs: number[];
  predictionMs: number;
  renderingMs: number;
  imagesPerSecond: number[];
}

const LIVE_MOVES = 60;

async function readyMs(page: Page, url: string): Promise<number> {
  const started = performance.now();
  await openReady(page, url);
  return performance.now() - started;
}

/**
 * What the page fetched up to now (the document and every resource, bodies as sent), from the
 * Resource Timing entries: the page weight before anyone trains, which the Train panel's lazy
 * chunk must leave as it was.
 */
async function pageWeight(page: Page): Promise<{ pageWeightKb: number; scriptKb: number }> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
    let all = 0;
    let scripts = 0;
    for (const entry of entries) {
      all += entry.encodedBodySize;
      if (/\.(m?js|ts)$/.test(new URL(entry.name).pathname)) scripts += entry.encodedBodySize;
    }
    return { pageWeightKb: all / 1024, scriptKb: scripts / 1024 };
  });
}

async function testSetImagesPerSecond(page: Page): Promise<number> {
  await page.locator('#run-test-set').click();
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('test-set')!.dataset.state!) && !(document.getElementById('run-test-set') as HTMLButtonElement).disabled, undefined, { timeout: 120_000 });
  const panel = page.locator('#test-set');
  if ((await panel.getAttribute('data-state')) !== 'done') throw new Error(`the test set failed: ${await page.locator('#test-summary').textContent()}`);
  const rate = Number(await panel.getAttribute('data-images-per-second'));
  await page.evaluate(() => (document.getElementById('test-set')!.dataset.state = 'idle'));
  return rate;
}

async function measureRun(context: BrowserContext, url: string, config: Configuration, image: Uint8Array): Promise<RunFigures> {
  const page = context.pages()[0] ?? (await context.newPage());
  const firstLoadMs = await readyMs(page, url);
  const { pageWeightKb, scriptKb } = await pageWeight(page);
  const reloadMs: number[] = [];
  for (let i = 0; i < config.reloads; i++) reloadMs.push(await readyMs(page, url));
  const active = await page.evaluate(() => document.documentElement.dataset.provider);
  if (active !== config.provider) throw new Error(`${config.label}: expected the page on ${config.provider}, it runs on ${active}`);
  const strokes = digitStrokes(image);
  await drawStrokes(page, strokes);
  const pen = strokes[strokes.length - 1][1];
  // Warm up (a first WebGPU run compiles shaders), then the measured moves, traced.
  await liveMoves(page, pen, 10);
  const trace = await traceDuring(context, page, () => liveMoves(page, pen, LIVE_MOVES));
  const { medianMs } = await predictionTimes(page);
  const imagesPerSecond: number[] = [];
  for (let i = 0; i < config.testSetPasses; i++) imagesPerSecond.push(await testSetImagesPerSecond(page));
  return { firstLoadMs, pageWeightKb, scriptKb, reloadMs, predictionMs: medianMs, renderingMs: renderingPerFrame(trace, LIVE_MOVES), imagesPerSecond };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** "median (min–max)" with `digits` decimals, or the single value. */
function figure(values: number[], digits: number): string {
  const f = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.length === 1 || low === high ? f(values[0]) : `${f(median(values))} (${f(low)}–${f(high)})`;
}

async function chromiumVersion(context: BrowserContext): Promise<string> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const { product } = (await cdp.send('Browser.getVersion')) as { product: string };
  await cdp.detach();
  return product.replace(/^(Headless)?Chrome\//, 'Chromium ');
}

/** Auto on a browser whose only adapter is SwiftShader: which provider runs, and what the page says about WebGPU. */
async function autoOnSoftwareAdapter(context: BrowserContext, url: string): Promise<string> {
  const page = await context.newPage();
  await openReady(page, url);
  const provider = await page.evaluate(() => document.documentElement.dataset.provider);
  const skipped = (await page.locator('#skipped-providers li[data-provider="webgpu"]').textContent().catch(() => null)) ?? 'nothing';
  await page.close();
  return `Auto with only SwiftShader's adapter runs on ${provider}; the page says "${skipped}"`;
}

await withTempDir('infer-web-bench-', async (dir) => {
  const loadBefore = loadavg();
  const started = performance.now();
  const dataset = await loadDataset('embedded');
  const model = await benchModel(args.model, dir);
  // Node's training figures first: a failure there should not cost the page's runs.
  const nodeOneThread = await nodeTrainingSamplesPerSecond(dir, 0);
  const nodeAuto = await nodeTrainingSamplesPerSecond(dir, 'auto');
  const server = await startWebServer({ mode: 'preview', modelFile: model, testDataDir: dataset.dir, outDir: join(dir, 'dist'), port: 0, logLevel: 'error' });
  const rows: string[] = [];
  const results = new Map<string, RunFigures[]>();
  let browserVersion = '';
  let autoNote = '';
  let training: Awaited<ReturnType<typeof pageTrainingFigures>> = [];
  try {
    for (const config of CONFIGURATIONS) {
      const runs: RunFigures[] = [];
      for (let run = 0; run < config.runs; run++) {
        const context = await openProfile({ webgpu: config.webgpu, profile: 'persistent', userDataDir: join(dir, `profile-${rows.length}-${run}`) });
        try {
          browserVersion ||= await chromiumVersion(context);
          runs.push(await measureRun(context, `${server.url}${config.query}`, config, dataset.test.image(0)));
          if (config.webgpu && !autoNote) autoNote = await autoOnSoftwareAdapter(context, server.url);
        } finally {
          await context.close();
        }
      }
      results.set(config.label, runs);
      rows.push(
        `| ${config.label} | ${figure(runs.map((r) => r.firstLoadMs), 0)} | ${figure(runs.map((r) => r.pageWeightKb), 0)} (JS ${figure(runs.map((r) => r.scriptKb), 0)}) | ${figure(runs.flatMap((r) => r.reloadMs), 0)} | ${figure(runs.map((r) => r.predictionMs), 2)} | ${figure(runs.map((r) => r.renderingMs), 2)} | ${figure(runs.flatMap((r) => r.imagesPerSecond), 0)} |`,
      );
    }
    training = await pageTrainingFigures(server.url, dir);
  } finally {
    await server.close();
  }

  const [oneThread, twoThreads, webgpu] = CONFIGURATIONS.map((c) => results.get(c.label)!);
  const ratio = (a: RunFigures[], b: RunFigures[], pick: (r: RunFigures) => number[]) => (median(a.flatMap(pick)) / median(b.flatMap(pick))).toFixed(2);
  const command = ['pnpm --filter @mnist-onnx/infer-web bench', ...process.argv.slice(2)].join(' ');
  console.log(`\n### In the browser — ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before and ${loadavg().map((l) => l.toFixed(2)).join(' ')} after (1, 5, 15 min).`);
  console.log(`Browser: ${browserVersion}, headless. Command: \`${command}\` (${((performance.now() - started) / 1000).toFixed(0)} s). Model: ${model.split('/').pop()} (784-200-200-10).`);
  console.log(`Each run is a new browser with an empty profile folder on disk; medians over the runs (range in brackets): ${RUNS} runs per wasm row, ${Math.min(RUNS, 2)} for WebGPU.\n`);
  console.log('| configuration | first load → ready, ms | fetched before ready, KB | reload → ready (HTTP cache), ms | one live prediction, ms (page clock: read-back + preprocessing + inference + panel update) | browser rendering per frame after it, ms (trace: style, layout, paint, commit) | test set, images/s (batch 250) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(`\nSame run, ratios of medians: wasm 1 thread ÷ 2 threads — reload → ready ${ratio(oneThread, twoThreads, (r) => r.reloadMs)}×, live prediction ${ratio(oneThread, twoThreads, (r) => [r.predictionMs])}×, test set ${ratio(oneThread, twoThreads, (r) => r.imagesPerSecond)}×; WebGPU on SwiftShader ÷ wasm 1 thread — live prediction ${ratio(webgpu, oneThread, (r) => [r.predictionMs])}×.`);
  console.log(autoNote);
  console.log('\n#### Training in the page (Train panel, `default` preset, batch 50, the second of 2 epochs) beside `pnpm train` in Node, same run\n');
  console.log('| where | backend | batches | samples/s | × Node wasm, 1 thread | open the Train panel, ms |');
  console.log('|---|---|---|---|---|---|');
  const times = (rate: number) => `${(rate / nodeOneThread.samplesPerSecond).toFixed(2)}×`;
  const software = (f: (typeof training)[number]) => (f.backend === 'wasm' ? `${f.label} (the panel: ${f.detail})` : `${f.backend} on SwiftShader (software), picked explicitly`);
  for (const f of training) console.log(`| page | ${software(f)} | ${f.batches ?? 'all'} | ${f.samplesPerSecond.toLocaleString('en-US')} | ${times(f.samplesPerSecond)} | ${f.openMs.toFixed(0)} |`);
  console.log(`| Node (pnpm train) | wasm, ${nodeOneThread.workers} | all | ${Math.round(nodeOneThread.samplesPerSecond).toLocaleString('en-US')} | 1.00× | – |`);
  console.log(`| Node (pnpm train) | wasm, --workers auto: ${nodeAuto.workers} | all | ${Math.round(nodeAuto.samplesPerSecond).toLocaleString('en-US')} | ${times(nodeAuto.samplesPerSecond)} | – |`);
  const [wasmOne, wasmThreads] = ['wasm, 1 thread', 'wasm, the page\'s default threads'].map((label) => training.find((f) => f.label === label)?.samplesPerSecond);
  const threadsVerdict = wasmOne && wasmThreads ? ` Threads in the page: ${(wasmThreads / wasmOne).toFixed(2)}× one thread, ${times(wasmThreads)} Node's one-threaded wasm.` : '';
  console.log(`\nLoad average after the training rows: ${loadavg().map((l) => l.toFixed(2)).join(' ')}.${threadsVerdict}`);
});
