import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, selectBackend, TrainOptimizer, type Hyperparameters } from '../src/index.js';
import { optimizerSlots } from '../src/optimizers.js';
import { SliceOptimizer } from '../src/workers/slice-optimizer.js';

// Each data-parallel worker updates one slice of the flat parameters (SliceOptimizer); one
// worker must still train bit for bit as the single-process trainer, whose TrainOptimizer runs
// over the model's layers. So: the same gradients through both, over several steps, compared
// bit for bit, the gradients split into shards that the slices sum, the flat vector cut
// across layer boundaries, and the slices reloaded from the flat state halfway (as each epoch does).

const SHAPES = [[37, 11], [11], [11, 3], [3]];
const SIZES = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));
const TOTAL = SIZES.reduce((a, b) => a + b, 0);

function hyperparameters(optimizer: Hyperparameters['optimizer']) {
  return { optimizer, momentum: optimizer === 'sgd' ? 0 : 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: optimizer === 'adamw' ? 0.01 : 0 };
}

/** Deterministic values spanning several orders of magnitude, signs mixed, some exact zeros. */
function values(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32;
    return u < 0.05 ? 0 : (u - 0.5) * 10 ** Math.floor(u * 6 - 4);
  });
}

const split = (flat: Float32Array) => {
  let offset = 0;
  return SIZES.map((size) => flat.slice(offset, (offset += size)));
};

describe.each(['wasm', 'cpu'])('SliceOptimizer slices against TrainOptimizer over the layers, on %s', (backend) => {
  it.each(OPTIMIZERS)('%s: the same parameters and slots after 5 steps, bit for bit', async (optimizer) => {
    await selectBackend(backend);
    const hp = hyperparameters(optimizer);
    const start = values(TOTAL, 1);
    const variables = split(start).map((v, i) => tf.variable(tf.tensor(v, SHAPES[i])));
    const reference = new TrainOptimizer(hp, variables);
    const weights = start.slice();
    const slots = Object.fromEntries(optimizerSlots(optimizer).map((name) => [name, new Float32Array(TOTAL)]));
    // Two uneven slices, as two workers would update them (the cut falls inside the first kernel).
    const cut = 101;
    const slices = [new SliceOptimizer(hp, 0, cut), new SliceOptimizer(hp, cut, TOTAL)];
    slices.forEach((s) => s.load({ weights, slots }, 0));
    for (let step = 1; step <= 5; step++) {
      const lr = 0.01 / step;
      // Three shards; their float32 sum (in order) is the gradient TrainOptimizer gets.
      const shards = [values(TOTAL, 10 * step), values(TOTAL, 10 * step + 1), values(TOTAL, 10 * step + 2)];
      const summed = shards[0].map((g, j) => Math.fround(Math.fround(g + shards[1][j]) + shards[2][j]));
      const grads = split(summed).map((g, i) => tf.tensor(g, SHAPES[i]));
      reference.apply(grads, lr);
      tf.dispose(grads);
      slices.forEach((s) => s.update(shards, lr, weights));
      if (step === 3) slices.forEach((s) => { s.storeSlots(slots); s.load({ weights, slots }, step); });
    }
    slices.forEach((s) => s.storeSlots(slots));
    const expected = new Float32Array(variables.flatMap((v) => Array.from(v.dataSync())));
    expect(Buffer.from(weights.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    expect(weights).not.toEqual(start);
    const state = await reference.getState();
    for (const name of optimizerSlots(optimizer)) {
      const slot = new Float32Array(state.slots[name].flatMap((s) => Array.from(s)));
      expect(Buffer.from(slots[name].buffer).equals(Buffer.from(slot.buffer))).toBe(true);
    }
    reference.dispose();
    slices.forEach((s) => s.dispose());
    tf.dispose(variables);
  });
});
