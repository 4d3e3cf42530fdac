import { performance } from 'node:perf_hooks';
import type { Measurement } from './figures.js';

/** A batch size, or `all`: the whole test set as one batch. */
export type InferBatch = number | 'all';

/** Splits `count` rows into consecutive chunks of `batch` rows: [start, end) pairs. */
export function chunks(count: number, batch: InferBatch): [number, number][] {
  const size = batch === 'all' ? count : batch;
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += size) out.push([start, Math.min(start + size, count)]);
  return out;
}

/**
 * Times whole passes over `images` images: `warmup` untimed passes (a pass is many runs, so
 * one is enough to load kernels and fill caches), then passes until at least `minSeconds`
 * have gone by (and at least one).
 */
export async function timePasses(pass: () => Promise<void>, images: number, minSeconds: number, warmup = 1): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await pass();
  let passes = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await pass();
    passes++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  return { perSecond: (passes * images) / elapsed, seconds: elapsed, samples: passes * images };
}
