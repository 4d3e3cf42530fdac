import * as tf from '@tensorflow/tfjs';
import { shuffleInPlace, type Rng } from '@mnist-onnx/mnist';
import type { BatchSource } from './batch-source.js';
import { lossAndGradients, type FastMlpConfig } from './fast-mlp.js';
import type { Hyperparameters } from './hyperparameters.js';
import type { DenseParams } from './model.js';
import type { TrainOptimizer } from './optimizers.js';
import { learningRateAt } from './schedule.js';

export interface BatchProgress {
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  batches: number;
  /** Samples of this epoch before this batch (what the seed's log line shows). */
  seen: number;
  /** Samples per epoch. */
  total: number;
  /** The batch's loss, read back only every `logInterval` batches (a sync costs time). */
  loss?: number;
}

/** What an epoch's steps add up to, as the single-process loop totals them. */
export interface EpochTotals {
  /** Σ over batches of (mean batch loss × batch size), accumulated in float32 as on the backend. */
  lossSum: number;
  correct: number;
  samples: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
}

export interface EpochLoopResult extends EpochTotals {
  /** Batches trained (fewer than `batches` when `stop` ended the epoch). */
  steps: number;
  /** True when `stop` ended the epoch (its totals then cover `steps` batches only). */
  stopped: boolean;
}

/** One epoch of the single-process loop: what it trains, and how it reports and yields. */
export interface EpochLoopOptions {
  /** 1-based; with `batches` and `totalSteps` it places each step on the learning-rate schedule. */
  epoch: number;
  /** Batches per epoch (at most ⌈samples / batch size⌉). */
  batches: number;
  /** Steps of the whole run, every epoch together (the schedule's length). */
  totalSteps: number;
  hp: Pick<Hyperparameters, 'batchSize' | 'lr' | 'schedule'>;
  source: BatchSource;
  /** Draws the epoch's shuffle, then each batch's augmentation, in that order. */
  rng: Rng;
  params: DenseParams[];
  config: FastMlpConfig;
  optimizer: TrainOptimizer;
  /** Read the loss back every this many batches (from the first). */
  logInterval: number;
  /** Read the last batch's loss back too. */
  logLastBatch?: boolean;
  onBatch?(progress: BatchProgress): void;
  /** Awaited after every batch: the page gives drawing and input a turn here. */
  yieldBetweenBatches?(): Promise<void>;
  /** Checked after every batch (after the yield); true, or an aborted signal, ends the epoch there. */
  stop?: AbortSignal | (() => boolean);
}

/**
 * Trains one epoch, reshuffled, in this thread: the loop `pnpm train` runs on the main thread
 * and the page runs in the browser. The running totals stay on the backend, one small add per
 * step, and only the logged batches' losses are read back.
 */
export async function trainEpoch(e: EpochLoopOptions): Promise<EpochLoopResult> {
  const { hp, source, rng, batches } = e;
  const { count } = source;
  const order = shuffleInPlace(Int32Array.from({ length: count }, (_, i) => i), rng);
  const { stop } = e;
  const stopRequested = typeof stop === 'function' ? stop : () => stop?.aborted === true;
  // A single addN over every batch's scalar would exceed WebGPU's limit of 8 storage buffers per shader.
  let lossTotal: tf.Scalar = tf.scalar(0);
  let correctTotal: tf.Scalar = tf.scalar(0);
  let samples = 0;
  let lr = hp.lr;
  let steps = 0;
  let stopped = false;
  try {
    for (let b = 0; b < batches && !stopped; b++) {
      const indices = order.subarray(b * hp.batchSize, Math.min((b + 1) * hp.batchSize, count));
      lr = learningRateAt(hp, (e.epoch - 1) * batches + b, e.totalSteps);
      const [loss, correct] = tf.tidy(() => {
        const batch = source.batch(indices, rng);
        const step = lossAndGradients(e.params, e.config, batch.x, batch.targets);
        e.optimizer.apply(step.grads, lr);
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(step.outputs, 1), batch.labels), 'float32'));
        return [tf.mul(step.loss, indices.length) as tf.Scalar, hits as tf.Scalar];
      });
      const [nextLoss, nextCorrect] = [tf.add(lossTotal, loss) as tf.Scalar, tf.add(correctTotal, correct) as tf.Scalar];
      tf.dispose([lossTotal, correctTotal, correct]);
      [lossTotal, correctTotal] = [nextLoss, nextCorrect];
      steps++;
      const logged = b % e.logInterval === 0 || (e.logLastBatch === true && b === batches - 1);
      // Asynchronous read: webgpu has no synchronous readback in Node (it needs OffscreenCanvas).
      const batchLoss = logged ? (await loss.data())[0] / indices.length : undefined;
      loss.dispose();
      e.onBatch?.({ epoch: e.epoch, batch: b + 1, batches, seen: samples, total: count, loss: batchLoss });
      samples += indices.length;
      await e.yieldBetweenBatches?.();
      stopped = stopRequested();
    }
    return { lossSum: (await lossTotal.data())[0], correct: (await correctTotal.data())[0], samples, lr, steps, stopped };
  } finally {
    tf.dispose([lossTotal, correctTotal]);
  }
}
