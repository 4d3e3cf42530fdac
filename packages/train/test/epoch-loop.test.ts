import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, Dataset, PIXELS } from '@mnist-onnx/mnist';
import {
  buildModel, denseParams, flatParams, HostBatches, layerActivations, presetHyperparameters, trainEpoch, TrainOptimizer,
  type BatchProgress, type EpochLoopOptions, type EpochLoopResult, type Hyperparameters,
} from '../src/browser.js';
import { selectBackend } from '../src/index.js';

// The epoch loop `pnpm train` and the page share, on real tfjs (cpu): its stop signal ends the
// epoch at a batch boundary, and its yield hook is awaited after every batch.

beforeAll(async () => {
  await selectBackend('cpu');
});

const SAMPLES = 50;
const hp: Hyperparameters = { ...presetHyperparameters('default'), batchSize: 10, seed: 3 };
const BATCHES = SAMPLES / hp.batchSize;

/** 50 random images and labels: the loop only needs something to step on. */
function randomDataset(): Dataset {
  const rng = createRng(11);
  const images = Uint8Array.from({ length: SAMPLES * PIXELS }, () => Math.floor(rng.next() * 256));
  const labels = Uint8Array.from({ length: SAMPLES }, () => Math.floor(rng.next() * 10));
  return new Dataset(images, labels);
}

interface Trained {
  result: EpochLoopResult;
  weights: Float32Array[];
  progress: BatchProgress[];
}

/** Tensors trainEpoch left alive, per call, whether it returned or threw. */
const leftBehind: number[] = [];

/** A fresh model from the seed, trained for one epoch by trainEpoch with `options` added. */
async function trainOneEpoch(options: Partial<EpochLoopOptions> = {}): Promise<Trained> {
  const model = buildModel(hp);
  const variables = flatParams(model);
  const optimizer = new TrainOptimizer(hp, variables);
  const source = new HostBatches(randomDataset(), { maxShift: hp.maxShift, labelSmoothing: hp.labelSmoothing });
  const progress: BatchProgress[] = [];
  const tensorsBefore = tf.memory().numTensors;
  try {
    const result = await trainEpoch({
      epoch: 1,
      batches: BATCHES,
      totalSteps: BATCHES,
      hp,
      source,
      rng: createRng(hp.seed),
      params: denseParams(model),
      config: { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss },
      optimizer,
      logInterval: 1,
      onBatch: (p) => progress.push(p),
      ...options,
    }).finally(() => leftBehind.push(tf.memory().numTensors - tensorsBefore));
    const weights = await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array));
    return { result, weights, progress };
  } finally {
    source.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

describe('trainEpoch', () => {
  it('trains every batch and totals them when nothing stops it', async () => {
    const { result, progress } = await trainOneEpoch();
    expect(result).toMatchObject({ samples: SAMPLES, steps: BATCHES, stopped: false });
    expect(progress.map((p) => [p.batch, p.seen])).toEqual([[1, 0], [2, 10], [3, 20], [4, 30], [5, 40]]);
    // Every batch's loss was read (logInterval 1); their size-weighted sum is the epoch's total.
    const summed = progress.reduce((sum, p) => sum + p.loss! * hp.batchSize, 0);
    expect(result.lossSum).toBeCloseTo(summed, 3);
  });

  it('awaits the yield hook once after every batch, before the next one starts', async () => {
    const events: string[] = [];
    await trainOneEpoch({
      onBatch: (p) => events.push(`batch ${p.batch}`),
      // Resolves only after a macrotask: a hook called but not awaited would let the next batch in first.
      yieldBetweenBatches: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push('yielded');
      },
    });
    expect(events).toEqual(Array.from({ length: BATCHES }, (_, b) => [`batch ${b + 1}`, 'yielded']).flat());
  });

  it('a stop function ends the epoch at the batch boundary where it turns true, with the weights of those batches', async () => {
    let batchesDone = 0;
    const stopped = await trainOneEpoch({ onBatch: () => batchesDone++, stop: () => batchesDone >= 2 });
    expect(batchesDone).toBe(2);
    expect(stopped.result).toMatchObject({ samples: 20, steps: 2, stopped: true });
    // The same two batches as an epoch that has only two: same weights and totals, bit for bit.
    const twoBatches = await trainOneEpoch({ batches: 2 });
    expect(twoBatches.result).toMatchObject({ samples: 20, steps: 2, stopped: false });
    expect(stopped.result.lossSum).toBe(twoBatches.result.lossSum);
    expect(stopped.result.correct).toBe(twoBatches.result.correct);
    stopped.weights.forEach((w, i) => expect(w).toEqual(twoBatches.weights[i]));
  });

  it('an AbortSignal stops it too, checked after the yield of the batch during which it was aborted', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const { result } = await trainOneEpoch({
      onBatch: (p) => events.push(`batch ${p.batch}`),
      yieldBetweenBatches: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        // A Stop click lands while the page has its turn.
        if (events.at(-1) === 'batch 3') controller.abort();
        events.push('yielded');
      },
      stop: controller.signal,
    });
    expect(result).toMatchObject({ samples: 30, steps: 3, stopped: true });
    expect(events).toEqual(['batch 1', 'yielded', 'batch 2', 'yielded', 'batch 3', 'yielded']);
  });

  it('leaves no tensors behind, also when a progress callback throws mid-epoch', async () => {
    leftBehind.length = 0;
    await trainOneEpoch();
    const failing = trainOneEpoch({
      onBatch: (p) => {
        if (p.batch === 3) throw new Error('diverged');
      },
    });
    await expect(failing).rejects.toThrow('diverged');
    expect(leftBehind).toEqual([0, 0]);
  });
});
