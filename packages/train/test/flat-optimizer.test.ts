import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, selectBackend, TrainOptimizer, type Hyperparameters } from '../src/index.js';
import { FlatOptimizer, optimizerSlots } from '../src/workers/flat-optimizer.js';

// The data-parallel workers update their slice of the parameters with FlatOptimizer on the host;
// one worker must still train bit for bit as the single-process trainer, whose TrainOptimizer
// runs on the backend. So: the same gradients through both, over several steps, compared bit
// for bit, with gradients split into shards that the flat optimizer sums.

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

describe.each(['wasm', 'cpu'])('FlatOptimizer on the host against TrainOptimizer on %s', (backend) => {
  it.each(OPTIMIZERS)('%s: the same parameters and slots after 5 steps, bit for bit', async (optimizer) => {
    await selectBackend(backend);
    const hp = hyperparameters(optimizer);
    const start = values(TOTAL, 1);
    const variables = split(start).map((v, i) => tf.variable(tf.tensor(v, SHAPES[i])));
    const reference = new TrainOptimizer(hp, variables);
    const flat = new FlatOptimizer(hp);
    const weights = start.slice();
    const slots = Object.fromEntries(optimizerSlots(optimizer).map((name) => [name, new Float32Array(TOTAL)]));
    for (let step = 1; step <= 5; step++) {
      const lr = 0.01 / step;
      // Three shards; their float32 sum (in order) is the gradient TrainOptimizer gets.
      const shards = [values(TOTAL, 10 * step), values(TOTAL, 10 * step + 1), values(TOTAL, 10 * step + 2)];
      const summed = shards[0].map((g, j) => Math.fround(Math.fround(g + shards[1][j]) + shards[2][j]));
      const grads = split(summed).map((g, i) => tf.tensor(g, SHAPES[i]));
      reference.apply(grads, lr);
      tf.dispose(grads);
      // Two uneven slices, as two workers would update them.
      const cut = 101;
      flat.apply({ weights, slots, gradients: shards }, 0, cut, lr, step);
      flat.apply({ weights, slots, gradients: shards }, cut, TOTAL, lr, step);
    }
    const expected = new Float32Array(variables.flatMap((v) => Array.from(v.dataSync())));
    expect(Buffer.from(weights.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    expect(weights).not.toEqual(start);
    const state = await reference.getState();
    for (const name of optimizerSlots(optimizer)) {
      const slot = new Float32Array(state.slots[name].flatMap((s) => Array.from(s)));
      expect(Buffer.from(slots[name].buffer).equals(Buffer.from(slot.buffer))).toBe(true);
    }
    reference.dispose();
    tf.dispose(variables);
  });
});
