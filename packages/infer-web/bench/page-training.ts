import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openProfile, openReady } from './page-driver.js';

/**
 * Training speed in the page's Train panel, per backend, beside `pnpm train`'s in Node on the
 * same recipe (default preset, batch 50). Each figure is the second of two epochs, training
 * steps only (the test-set pass excluded), as the panel reports it: the first epoch warms up
 * the backend (kernel compilation, XNNPACK operators, the JIT), which cost Node's single
 * epoch 1.3× in a run where it was taken cold. GPU backends on a software adapter train a few
 * batches an epoch only, which is enough to see the gap.
 */
const EPOCHS = 2;
export interface PageTrainingFigure {
  backend: string;
  /** What the bench row says: the backend and, for wasm, its threads. */
  label: string;
  batches: number | null;
  samplesPerSecond: number;
  /** Click on "Open the Train panel" → its controls are there (the lazy chunk's cost). */
  openMs: number;
  /** What the panel says it trains on (e.g. "wasm · WebAssembly, SIMD, 2 threads"). */
  detail: string;
}

// wasm twice: one thread, and the page's default (tfjs-wasm's XNNPACK pool in the cross-origin
// isolated page: half the logical cores, see wasmTrainingThreads), to see whether threads in the
// page beat Node's one-threaded wasm. GPU backends: SwiftShader here.
const PAGE_BACKENDS: { backend: string; label: string; query: string; maxBatches: number | null }[] = [
  { backend: 'wasm', label: 'wasm, 1 thread', query: '?wasm-threads=1', maxBatches: null },
  { backend: 'wasm', label: 'wasm, the page\'s default threads', query: '', maxBatches: null },
  { backend: 'webgpu', label: 'webgpu', query: '', maxBatches: 6 },
  { backend: 'webgl', label: 'webgl', query: '', maxBatches: 20 },
];

async function trainOnce(page: Page, backend: string, maxBatches: number | null): Promise<{ samplesPerSecond: number; openMs: number; detail: string }> {
  const started = performance.now();
  await page.locator('#open-train').click();
  await page.locator('#train-start').waitFor({ timeout: 60_000 });
  const openMs = performance.now() - started;
  await page.locator('#train-preset').selectOption('default');
  await page.locator('#train-backend-choice').selectOption(backend);
  await page.locator('#train-epochs').fill(String(EPOCHS));
  await page.locator('#train-max-batches').fill(maxBatches === null ? '' : String(maxBatches));
  await page.locator('#train-start').click();
  await page.waitForFunction((epochs) => {
    const panel = document.getElementById('train')!;
    return panel.dataset.epochDone === String(epochs) || ['error', 'failed', 'stopped'].includes(panel.dataset.state!);
  }, EPOCHS, { timeout: 300_000 });
  const rate = await page.evaluate((epochs) => {
    const { dataset } = document.getElementById('train')!;
    return dataset.epochDone === String(epochs) ? dataset.epochSamplesPerSecond : undefined;
  }, EPOCHS);
  if (rate === undefined) throw new Error(`training on ${backend} in the page failed: ${await page.locator('#train-message').textContent()}`);
  return { samplesPerSecond: Number(rate), openMs, detail: (await page.locator('#train').getAttribute('data-backend-detail')) ?? '' };
}

export async function pageTrainingFigures(url: string, dir: string): Promise<PageTrainingFigure[]> {
  const figures: PageTrainingFigure[] = [];
  for (const [index, { backend, label, query, maxBatches }] of PAGE_BACKENDS.entries()) {
    const context = await openProfile({ webgpu: true, profile: 'persistent', userDataDir: join(dir, `train-profile-${index}`) });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await openReady(page, `${url}${query}`);
      figures.push({ backend, label, batches: maxBatches, ...(await trainOnce(page, backend, maxBatches)) });
    } finally {
      await context.close();
    }
  }
  return figures;
}

/** `pnpm train`'s samples/s on the default recipe on wasm in this process: the second of two epochs, as in the page. */
export async function nodeTrainingSamplesPerSecond(dir: string, workers: number | 'auto'): Promise<{ samplesPerSecond: number; workers: string }> {
  const { train } = await import('@mnist-onnx/train');
  const out = join(dir, `node-train-${workers}`);
  const { model, record } = await train({ out, checkpointDir: `${out}-checkpoints`, backend: 'wasm', workers, overrides: { epochs: EPOCHS } });
  model.dispose();
  const note = record.backendNotes.find((n) => n.startsWith('data-parallel')) ?? 'main thread only';
  return { samplesPerSecond: record.history.at(-1)!.samplesPerSecond, workers: note };
}
