import { availableParallelism, loadavg } from 'node:os';
import { measureParallelCeiling, type ParallelCeiling } from './ceiling.js';
import { median } from './figures.js';
import type { BenchOptions } from './options.js';
import { measurePytorchTraining, type ReferenceRunner } from './pytorch.js';
import { recipe } from './recipes.js';
import { log, threadsLabel, type Problems } from './series.js';
import { formatRate } from './table.js';
import { measureTfjsTraining, type StepTiming } from './tfjs-training.js';

/** The batch sizes the worker scaling is measured at (the issue's 50, 200, 1000). */
export const WORKER_BATCHES = [50, 200, 1000];

/** One row of a scaling table: the main thread alone (workers 0), N worker threads, or PyTorch. */
export interface ScalingRow {
  system: string;
  /** tfjs: worker threads (0 = the main thread alone); PyTorch: its threads. */
  workers: number;
  perSecond: number;
  rounds: number[];
  /** Samples/s ÷ one worker's, same batch, same run. */
  ratioVsOneWorker?: number;
  ratioVsPytorchBest?: number;
  /** Milliseconds per step in each part, averaged over workers, epochs and rounds. */
  perStep?: StepTiming;
}

export interface WorkerScaling {
  batchSize: number;
  description: string;
  pytorchBest: { threads: number; perSecond: number } | null;
  rows: ScalingRow[];
  /** Per round: independent copies of the main-thread run at once vs one alone, what the cores themselves allow. */
  ceiling?: ParallelCeiling[];
  /** /proc/loadavg's 1-minute figure when this batch size's measurements began and ended. */
  load: [number, number];
}

const meanTiming = (list: StepTiming[]): StepTiming | undefined => {
  if (list.length === 0) return undefined;
  const parts = Object.keys(list[0]) as (keyof StepTiming)[];
  return Object.fromEntries(parts.map((p) => [p, list.reduce((s, t) => s + t[p], 0) / list.length])) as StepTiming;
};

/**
 * Training samples/s of the train package's own loop on the main thread alone and on 1, 2, …
 * worker threads (up to the cores), at each batch size, beside PyTorch at its fastest thread
 * count on the same recipe — all taken alternately, round by round, in one session. The recipe
 * is the reference (Adam 1e-3, nothing else) with the batch size changed.
 */
export async function benchWorkers(options: BenchOptions, reference: ReferenceRunner, dataDir: string, problems: Problems): Promise<WorkerScaling[]> {
  const counts = [0, ...Array.from({ length: availableParallelism() }, (_, i) => i + 1)];
  const backend = options.backends.includes('wasm') ? 'wasm' : 'cpu';
  const results: WorkerScaling[] = [];
  for (const batchSize of WORKER_BATCHES) {
    const base = recipe('reference');
    const hp = { ...base.hp, batchSize };
    const tfjs = new Map<number, { values: number[]; timings: StepTiming[] }>(counts.map((n) => [n, { values: [], timings: [] }]));
    const torch = new Map<number, number[]>();
    const ceiling: ParallelCeiling[] = [];
    const loadStart = loadavg()[0];
    for (let round = 1; round <= options.rounds; round++) {
      for (const workers of counts) {
        const label = workers === 0 ? 'main thread' : `${workers} worker${workers > 1 ? 's' : ''}`;
        try {
          const m = await measureTfjsTraining({
            backend, preset: base.preset, overrides: { ...base.overrides, batchSize }, seconds: options.seconds, workers,
          });
          tfjs.get(workers)!.values.push(m.perSecond);
          if (m.perStep) tfjs.get(workers)!.timings.push(m.perStep);
          log(`round ${round}/${options.rounds} · batch ${batchSize} · tfjs ${backend} ${label}: ${formatRate(m.perSecond)} samples/s`);
        } catch (error) {
          problems.report(`tfjs ${backend} on ${label}, batch ${batchSize}`, error);
        }
      }
      const copies = counts.at(-1)!;
      if (copies > 1) {
        try {
          const c = await measureParallelCeiling({ backend, preset: base.preset, overrides: { ...base.overrides, batchSize }, seconds: options.seconds }, copies);
          ceiling.push(c);
          log(`round ${round}/${options.rounds} · batch ${batchSize} · ${copies} independent processes at once: ${formatRate(c.together)} samples/s in all, ${c.ratio.toFixed(2)}× one alone (${formatRate(c.alone)})`);
        } catch (error) {
          problems.report(`${copies} independent tfjs ${backend} processes, batch ${batchSize}`, error);
        }
      }
      for (const m of await measurePytorchTraining(reference, dataDir, hp, options.threads, options.seconds)) {
        torch.set(m.threads, [...(torch.get(m.threads) ?? []), m.perSecond]);
        log(`round ${round}/${options.rounds} · batch ${batchSize} · PyTorch (${threadsLabel(m.threads)}): ${formatRate(m.perSecond)} samples/s`);
      }
    }
    const torchRows = [...torch].map(([threads, values]) => ({ threads, perSecond: median(values), values }));
    const best = torchRows.reduce<(typeof torchRows)[number] | undefined>((a, b) => (a && a.perSecond >= b.perSecond ? a : b), undefined);
    const one = tfjs.get(1)!.values.length > 0 ? median(tfjs.get(1)!.values) : undefined;
    const rows: ScalingRow[] = [...tfjs].filter(([, t]) => t.values.length > 0).map(([workers, t]) => {
      const perSecond = median(t.values);
      const perStep = meanTiming(t.timings);
      return {
        system: `tfjs ${backend}`, workers, perSecond, rounds: t.values,
        ...(one ? { ratioVsOneWorker: perSecond / one } : {}),
        ...(best ? { ratioVsPytorchBest: perSecond / best.perSecond } : {}),
        ...(perStep ? { perStep } : {}),
      };
    });
    if (best) rows.push({ system: 'PyTorch (fastest)', workers: best.threads, perSecond: best.perSecond, rounds: best.values, ratioVsPytorchBest: 1 });
    results.push({
      batchSize,
      description: `${base.description.replace(/batch \d+/, `batch ${batchSize}`)}`,
      pytorchBest: best ? { threads: best.threads, perSecond: best.perSecond } : null,
      rows,
      ...(ceiling.length ? { ceiling } : {}),
      load: [loadStart, loadavg()[0]],
    });
  }
  return results;
}
