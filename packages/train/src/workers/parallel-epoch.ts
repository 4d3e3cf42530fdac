import * as tf from '@tensorflow/tfjs';
import { shuffleInPlace, type Rng } from '@mnist-onnx/mnist';
import type { EpochTotals } from '../epoch-loop.js';
import type { Hyperparameters } from '../hyperparameters.js';
import { drawShifts } from '../host-batches.js';
import type { TrainOptimizer } from '../optimizers.js';
import { learningRateAt } from '../schedule.js';
import { shardRows } from './shared-memory.js';
import type { WorkerPool } from './worker-pool.js';

const f32 = Math.fround;

export interface ParallelEpoch {
  epoch: number;
  hp: Hyperparameters;
  samples: number;
  batchesPerEpoch: number;
  totalSteps: number;
  rng: Rng;
  logInterval: number;
  /** Per finished step: its 0-based number, samples before it, and its loss when it is a logged step. */
  onStep?: (step: number, seen: number, loss: number | undefined) => void;
  /** The main thread's model variables and optimizer, brought up to date after the epoch. */
  variables: tf.Variable[];
  optimizer: TrainOptimizer;
}

/**
 * One epoch on the worker pool, drawing from the RNG exactly what the single-process loop draws
 * (the shuffle, then each batch's shifts in order) and totalling losses the way it does, so one
 * worker reproduces it bit for bit. Afterwards the main thread's variables and optimizer hold
 * the workers' weights and state, ready for evaluation and the checkpoint.
 */
export async function trainEpochOnWorkers(pool: WorkerPool, e: ParallelEpoch): Promise<EpochTotals> {
  const { memory } = pool;
  const { hp, samples, batchesPerEpoch: batches } = e;
  const workers = memory.layout.workers;
  const order = shuffleInPlace(Int32Array.from({ length: samples }, (_, i) => i), e.rng);
  memory.order.set(order);
  for (let b = 0; b < batches; b++) {
    const from = b * hp.batchSize;
    const size = Math.min(hp.batchSize, samples - from);
    drawShifts(e.rng, size, hp.maxShift, memory.shifts.subarray(2 * from, 2 * (from + size)));
    memory.learningRates[b] = learningRateAt(hp, (e.epoch - 1) * batches + b, e.totalSteps);
  }
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  const finishStep = (b: number) => {
    const size = Math.min(hp.batchSize, samples - b * hp.batchSize);
    // The shards' losses are their parts of the batch mean: summed in worker order, in float32.
    let mean: number | undefined;
    for (let k = 0; k < workers; k++) {
      const [lo, hi] = shardRows(size, workers, k);
      if (hi === lo) continue;
      const part = memory.stepLoss[b * workers + k];
      mean = mean === undefined ? part : f32(mean + part);
      correct += memory.stepHits[b * workers + k];
    }
    const batchLoss = f32(mean! * size);
    lossSum = f32(lossSum + batchLoss);
    e.onStep?.(b, seen, b % e.logInterval === 0 ? batchLoss / size : undefined);
    seen += size;
  };
  await pool.runEpoch({ batches, batchSize: hp.batchSize, samples, ...(e.onStep ? { onStep: finishStep } : {}) });
  if (!e.onStep) for (let b = 0; b < batches; b++) finishStep(b);
  const weights = pool.weights();
  tf.tidy(() => e.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape))));
  e.optimizer.setState(pool.optimizerState(e.optimizer.name));
  return { lossSum, correct, samples: seen, lr: memory.learningRates[batches - 1] };
}
