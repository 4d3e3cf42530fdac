// Where the digit page's time goes, in headless Chromium: the steps from navigation to ready
// (fetches, onnxruntime's import, WebAssembly compile, pthread workers, session, first run) and
// the parts of one live prediction (the page's own step clock, plus style, layout and paint
// from a Chromium trace).
// Usage (in packages/infer-web): node --import tsx bench/profile-page.ts [--model FILE]
//          [--query '?threads=2'] [--profile persistent|incognito] [--webgpu] [--loads N]
//          [--mode preview|dev] (dev: Vite's dev server, as `pnpm web` runs it)
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { startWebServer } from '../src/index.js';
import { benchArgs, benchModel, withTempDir } from './bench-setup.js';
import { digitStrokes, drawStrokes, liveMoves, openProfile, openReady, predictionTimes } from './page-driver.js';
import { startCpuProfile } from './cpu-profile.js';
import { frameCosts, traceDuring } from './trace-costs.js';

const args = benchArgs({
  model: { type: 'string' },
  query: { type: 'string', default: '' },
  profile: { type: 'string', default: 'persistent' },
  webgpu: { type: 'boolean', default: false },
  loads: { type: 'string', default: '4' },
  mode: { type: 'string', default: 'preview' },
});

// Wraps the browser APIs onnxruntime's loader calls, so their timing shows without changing the page.
const LOAD_PROBES = `(() => {
  const log = [];
  window.__loadSteps = log;
  const now = () => performance.now();
  const wrapAsync = (owner, name, label) => {
    const original = owner[name];
    owner[name] = async function (...args) { const start = now(); const result = await original.apply(this, args); log.push([label, start, now()]); return result; };
  };
  wrapAsync(WebAssembly, 'instantiateStreaming', 'WebAssembly.instantiateStreaming (fetch + compile + instantiate)');
  wrapAsync(WebAssembly, 'instantiate', 'WebAssembly.instantiate (from bytes)');
  if (navigator.gpu) wrapAsync(navigator.gpu, 'requestAdapter', 'navigator.gpu.requestAdapter');
  const NativeWorker = window.Worker;
  window.Worker = function (url, options) {
    const start = now();
    const worker = new NativeWorker(url, options);
    worker.addEventListener('message', () => log.push(['pthread worker: created → first message', start, now()]), { once: true });
    return worker;
  };
})()`;

interface Step {
  what: string;
  start: number;
  end: number;
}

async function loadSteps(page: Page): Promise<Step[]> {
  return page.evaluate(`(() => {
    const steps = [];
    const nav = performance.getEntriesByType('navigation')[0];
    steps.push({ what: 'document (navigation → DOMContentLoaded)', start: 0, end: nav.domContentLoadedEventEnd });
    for (const r of performance.getEntriesByType('resource')) {
      const name = r.name.split('/').pop();
      if (/favicon/.test(name)) continue;
      const bytes = r.transferSize > 1000 ? ' ' + (r.transferSize / 1e6).toFixed(1) + ' MB over the wire' : r.transferSize > 0 ? ' (revalidated, 304)' : ' (from cache)';
      steps.push({ what: 'fetch ' + name + bytes, start: r.startTime, end: r.responseEnd });
    }
    for (const [what, start, end] of window.__loadSteps) steps.push({ what, start, end });
    for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('digit-page:')) steps.push({ what: 'mark ' + m.name.slice(11), start: m.startTime, end: m.startTime });
    return steps.sort((a, b) => a.end - b.end);
  })()`);
}

async function profileLoads(context: BrowserContext, url: string, loads: number): Promise<void> {
  const page = await context.newPage();
  await page.addInitScript(LOAD_PROBES);
  for (let i = 0; i < loads; i++) {
    const started = performance.now();
    await openReady(page, url);
    const wall = performance.now() - started;
    console.log(`\n${i === 0 ? 'first load' : 'reload'} ${i}: ${wall.toFixed(0)} ms from page.goto to data-ready (${await page.locator('#active-provider').textContent()})`);
    for (const step of await loadSteps(page)) {
      const span = step.end > step.start ? `${step.start.toFixed(0).padStart(5)} → ${step.end.toFixed(0).padStart(5)}  (${(step.end - step.start).toFixed(0)} ms)` : `        at ${step.end.toFixed(0).padStart(5)}`;
      console.log(`  ${span.padEnd(32)} ${step.what}`);
    }
  }
  await page.close();
}

async function profilePrediction(context: BrowserContext, url: string, image: Uint8Array): Promise<void> {
  const page = await context.newPage();
  await openReady(page, url);
  const strokes = digitStrokes(image);
  await drawStrokes(page, strokes);
  const at = strokes[strokes.length - 1][1];
  await liveMoves(page, at, 20);
  const moves = 60;
  const trace = await traceDuring(context, page, () => liveMoves(page, at, moves));
  const times = await predictionTimes(page);
  console.log(`\nlive prediction, median of the page's last ${times.count}: ${times.medianMs.toFixed(2)} ms`);
  for (const [phase, ms] of Object.entries(times.phasesMs)) console.log(`  ${phase.padEnd(12)} ${ms.toFixed(3)} ms`);
  const costs = frameCosts(trace, moves);
  console.log(`renderer main thread per move (${moves} moves, from the trace; nested events counted in their parent):`);
  for (const [what, ms] of costs) console.log(`  ${what.padEnd(40)} ${ms.toFixed(3)} ms`);
  const cdp = await context.newCDPSession(page);
  const stop = await startCpuProfile(cdp);
  await liveMoves(page, at, moves);
  console.log(`JavaScript self time per move (V8 sampling profiler, ${moves} moves; the bench's own pointer events included):`);
  for (const [what, ms] of await stop(moves)) console.log(`  ${what.padEnd(60)} ${ms.toFixed(3)} ms`);
  await page.close();
}

await withTempDir('infer-web-profile-', async (dir) => {
  const dataset = await loadDataset('embedded');
  const model = await benchModel(args.model, dir);
  const server = await startWebServer({ mode: args.mode === 'dev' ? 'dev' : 'preview', modelFile: model, testDataDir: dataset.dir, outDir: join(dir, 'dist'), port: 0, logLevel: 'error' });
  const context = await openProfile({ webgpu: args.webgpu, profile: args.profile === 'incognito' ? 'incognito' : 'persistent', userDataDir: join(dir, 'profile') });
  try {
    const url = `${server.url}${args.query}`;
    console.log(`model ${model}; page ${url}; ${args.profile} profile; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await profileLoads(context, url, Number(args.loads));
    await profilePrediction(context, url, dataset.test.image(0));
  } finally {
    await context.close();
    await server.close();
  }
});
