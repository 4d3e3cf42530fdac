import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, type Hyperparameters } from '@mnist-onnx/train';
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
}

export interface TfjsTraining extends Measurement {
  lossLastEpoch: number;
  notes: string[];
}

/**
 * Runs the train package's own `train()` — the loop `pnpm train` runs, with its batching,
 * fast training step and optimizer — into a temporary folder, and times the epochs after the
 * first, from the per-epoch figures it records (test evaluation and checkpoints excluded).
 */
export async function measureTfjsTraining(run: TfjsTrainingRun): Promise<TfjsTraining> {
  const dir = await mkdtemp(join(tmpdir(), 'mnist-onnx-bench-'));
  try {
    const result = await train({
      preset: run.preset,
      overrides: { ...run.overrides, epochs: 1 + run.epochs },
      backend: run.backend,
      out: join(dir, 'tfjs'),
      checkpointDir: join(dir, 'checkpoints'),
      ...(run.maxBatches ? { maxBatches: run.maxBatches } : {}),
    });
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
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
