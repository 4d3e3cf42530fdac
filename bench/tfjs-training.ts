import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, type Hyperparameters, type TrainHooks } from '@mnist-onnx/train';
import type { Measurement } from './figures.js';

export interface TfjsTrainingRun {
  /** Backend name as `pnpm train --backend` takes it. */
  backend: string;
  /** Preset the run starts from, and what the bench changes in it (never the epochs' work). */
  preset: string;
  overrides: Partial<Hyperparameters>;
  /** Whole epochs are timed until they add up to at least this many seconds (at least one epoch). */
  seconds: number;
  /** Cut each epoch to this many batches (slow backends); undefined = whole epochs. */
  maxBatches?: number;
  /**
   * Data-parallel worker threads (0: the main thread alone). Always a number: `auto` would
   * decide on the run's planned length, and the bench plans EPOCH_CAP epochs.
   */
  workers: number;
}

type WorkerTimingInfo = Parameters<NonNullable<TrainHooks['onWorkerTimings']>>[0];
export type StepTiming = WorkerTimingInfo['workers'][number];

export interface TfjsTraining extends Measurement {
  lossLastEpoch: number;
  notes: string[];
  /** On worker threads: milliseconds per step in each part, averaged over the workers and the timed epochs. */
  perStep?: StepTiming;
}

/** Milliseconds per step in each part, averaged over workers and epochs. */
function meanPerStep(epochs: WorkerTimingInfo[]): StepTiming | undefined {
  if (epochs.length === 0) return undefined;
  const parts = Object.keys(epochs[0].workers[0]) as (keyof StepTiming)[];
  const steps = epochs.reduce((s, e) => s + e.steps * e.workers.length, 0);
  return Object.fromEntries(parts.map((part) => [part, epochs.reduce((s, e) => s + e.workers.reduce((t, w) => t + w[part], 0), 0) / steps])) as StepTiming;
}

/**
 * Untimed whole epochs first, until they add up to this long (at least one): V8 compiles the
 * loop's hot code in the first seconds, in each worker thread separately, on background
 * threads that take their time from the training when every core trains. Measured at batch 200
 * on the 2-core VM (40-epoch runs, two each, samples/s over the 2 s after a warm-up of 1.5 /
 * 2.5 / 3.5 / 4.5 s): one thread 31.5k / 31.2–31.6k / 30.9–31.6k / 30.9–31.8k, at its speed by
 * 1.5 s; two workers 45.0–45.8k / 46.8–46.9k / 47.1–47.3k / 47.1–47.8k, at theirs by ~3 s.
 */
export const WARMUP_SECONDS = 3;

/**
 * Epochs train() is given: more than any measurement reaches; stopAfterEpoch ends the run. (A
 * schedule then plans its learning rates over this many epochs: other values, the same work.)
 */
const EPOCH_CAP = 10_000;

/**
 * Runs the train package's own `train()` — the loop `pnpm train` runs, with its batching,
 * fast training step and optimizer — into a temporary folder: whole epochs untimed for
 * WARMUP_SECONDS, then whole epochs for `run.seconds`, timed from the per-epoch figures it
 * records (test evaluation and checkpoints excluded).
 */
export async function measureTfjsTraining(run: TfjsTrainingRun): Promise<TfjsTraining> {
  const dir = await mkdtemp(join(tmpdir(), 'mnist-onnx-bench-'));
  try {
    const timings: WorkerTimingInfo[] = [];
    let warmupEpochs = 0;
    let warmupSeconds = 0;
    let timedSeconds = 0;
    const result = await train({
      preset: run.preset,
      overrides: { ...run.overrides, epochs: EPOCH_CAP },
      backend: run.backend,
      out: join(dir, 'tfjs'),
      checkpointDir: join(dir, 'checkpoints'),
      ...(run.maxBatches ? { maxBatches: run.maxBatches } : {}),
      workers: run.workers,
    }, {
      onWorkerTimings: (info) => timings.push(info),
      stopAfterEpoch: (stats) => {
        if (warmupEpochs === 0 || warmupSeconds < WARMUP_SECONDS) {
          warmupEpochs = stats.epoch;
          warmupSeconds += stats.seconds;
          return false;
        }
        timedSeconds += stats.seconds;
        return timedSeconds >= run.seconds;
      },
    });
    result.model.dispose();
    const timed = result.record.history.slice(warmupEpochs);
    const seconds = timed.reduce((s, h) => s + h.seconds, 0);
    const samples = timed.reduce((s, h) => s + h.samplesPerSecond * h.seconds, 0);
    return {
      perSecond: samples / seconds,
      seconds,
      samples: Math.round(samples),
      lossLastEpoch: timed.at(-1)!.trainLoss,
      notes: result.record.backendNotes,
      perStep: meanPerStep(timings.filter((t) => t.epoch > warmupEpochs)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
