import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, type Hyperparameters, type TrainHooks, type TrainOptions } from '@mnist-onnx/train';
import type { Measurement } from './figures.js';

export interface TfjsTrainingRun {
  /** Backend name as `pnpm train --backend` takes it. */
  backend: string;
  /** Preset the run starts from, and what the bench changes in it (never the epochs' work). */
  preset: string;
  overrides: Partial<Hyperparameters>;
  /** Epochs timed after the first (warm-up) epoch. */
  epochs: number;
  /** Cut each epoch to this many batches (slow backends); undefined = whole epochs. */
  maxBatches?: number;
  /** Data-parallel worker threads (0: the main thread alone); undefined = train()'s default. */
  workers?: TrainOptions['workers'];
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
 * Runs the train package's own `train()` — the loop `pnpm train` runs, with its batching,
 * fast training step and optimizer — into a temporary folder, and times the epochs after the
 * first, from the per-epoch figures it records (test evaluation and checkpoints excluded).
 */
export async function measureTfjsTraining(run: TfjsTrainingRun): Promise<TfjsTraining> {
  const dir = await mkdtemp(join(tmpdir(), 'mnist-onnx-bench-'));
  try {
    const timings: WorkerTimingInfo[] = [];
    const result = await train({
      preset: run.preset,
      overrides: { ...run.overrides, epochs: 1 + run.epochs },
      backend: run.backend,
      out: join(dir, 'tfjs'),
      checkpointDir: join(dir, 'checkpoints'),
      ...(run.maxBatches ? { maxBatches: run.maxBatches } : {}),
      ...(run.workers !== undefined ? { workers: run.workers } : {}),
    }, { onWorkerTimings: (info) => timings.push(info) });
    result.model.dispose();
    const timed = result.record.history.slice(1);
    const seconds = timed.reduce((s, h) => s + h.seconds, 0);
    const samples = timed.reduce((s, h) => s + h.samplesPerSecond * h.seconds, 0);
    return {
      perSecond: samples / seconds,
      seconds,
      samples: Math.round(samples),
      lossLastEpoch: timed.at(-1)!.trainLoss,
      notes: result.record.backendNotes,
      perStep: meanPerStep(timings.filter((t) => t.epoch > 1)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
