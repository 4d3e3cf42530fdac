import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceBatches, HostBatches, loadLayersModel, selectBackend, train, type TrainOptions } from '../src/index.js';
import { tempDir, useTempArtifacts } from './helpers.js';

beforeAll(() => {
  useTempArtifacts();
});

const quick = (overrides: TrainOptions['overrides'], extra: Partial<TrainOptions> = {}): TrainOptions => {
  const dir = tempDir();
  return { backend: 'wasm', out: join(dir, 'tfjs'), trainLimit: 1000, testLimit: 500, overrides, ...extra };
};

describe('train()', () => {
  it('reaches a sanity accuracy on a 2,000-sample subset in 3 epochs and writes a loadable model + record', async () => {
    const options = quick({ epochs: 3 }, { trainLimit: 2000 });
    const result = await train(options);
    expect(result.record.testAccuracy).toBeGreaterThan(0.85);
    expect(result.record.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(result.record.history[2].trainLoss).toBeLessThan(result.record.history[0].trainLoss);
    const onDisk = JSON.parse(readFileSync(result.recordPath, 'utf8'));
    expect(onDisk).toMatchObject({
      preset: 'default', backend: 'wasm',
      hyperparameters: { epochs: 3, batchSize: 50, optimizer: 'adamw', loss: 'cross-entropy', activation: 'relu', finalActivation: 'none', init: 'kaiming-normal' },
      dataset: { id: 'embedded', source: 'embedded', trainCount: 2000, testCount: 500 },
      testCount: 500,
    });
    expect(onDisk.dataset.files.map((f: { name: string }) => f.name).sort()).toEqual([
      't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
    ]);
    expect(onDisk.dataset.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(onDisk.versions['@tensorflow/tfjs-core']).toBe('4.22.0');
    // wasm was named, so nothing was skipped: the one note is the wasm backend's own.
    expect(onDisk.backendNotes).toEqual([expect.stringMatching(/^wasm: SIMD (on|off), (1 thread|multi-threaded)$/)]);
    const loaded = await loadLayersModel(result.modelDir);
    const trained = result.model.getWeights();
    loaded.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(trained[i].dataSync()));
    loaded.dispose();
    result.model.dispose();
  });

  it.each([
    ['relu', 'cross-entropy'], ['leaky-relu', 'cross-entropy'], ['selu', 'cross-entropy'], ['softplus', 'cross-entropy'],
    ['relu', 'mse'], ['leaky-relu', 'mse'], ['selu', 'mse'], ['softplus', 'mse'],
  ] as const)('%s with %s trains without NaN and learns', async (activation, loss) => {
    const result = await train(quick({ epochs: 2, activation, loss, maxShift: 0, labelSmoothing: 0, schedule: 'constant', lr: 1e-3 }));
    const epoch = result.record.history[1];
    expect(Number.isFinite(epoch.trainLoss) && Number.isFinite(epoch.testLoss)).toBe(true);
    // Above chance (10%) after two epochs on 1,000 samples; MSE on raw outputs learns slowest.
    expect(epoch.testAccuracy).toBeGreaterThan(loss === 'mse' ? 0.25 : 0.6);
    result.model.dispose();
  });

  it('keeps the tensor count flat across epochs', async () => {
    const counts: number[] = [];
    const result = await train(quick({ epochs: 4 }), { onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    result.model.dispose();
  });

  it('stopAfterEpoch ends the run after that epoch with the model and record saved, and --resume goes on to the planned epochs', async () => {
    const options = quick({ epochs: 3 });
    const stopped = await train(options, { stopAfterEpoch: (stats) => stats.epoch === 1 });
    expect(stopped.record.history.map((h) => h.epoch)).toEqual([1]);
    expect(JSON.parse(readFileSync(stopped.recordPath, 'utf8')).history).toHaveLength(1);
    stopped.model.dispose();
    const resumed = await train({ ...options, resume: true });
    expect(resumed.record.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    resumed.model.dispose();
  });

  it('--seed makes runs bit-for-bit reproducible, and another seed gives other weights', async () => {
    const runs = [];
    for (const seed of [5, 5, 6]) {
      const result = await train(quick({ epochs: 2, seed }));
      runs.push(readFileSync(join(result.modelDir, 'weights.bin')));
      result.model.dispose();
    }
    expect(runs[0].equals(runs[1])).toBe(true);
    expect(runs[0].equals(runs[2])).toBe(false);
  });

  it('reports the seed-style progress at the log interval', async () => {
    const logged: number[] = [];
    const result = await train(quick({ epochs: 1, batchSize: 100 }), { onBatch: (p) => p.loss !== undefined && logged.push(p.seen) });
    expect(logged).toEqual([0]);
    result.model.dispose();
    const again = await train(quick({ epochs: 1, batchSize: 100 }, { logInterval: 3 }), { onBatch: (p) => p.loss !== undefined && logged.push(p.seen) });
    expect(logged).toEqual([0, 0, 300, 600, 900]);
    again.model.dispose();
  });
});

describe('batch sources', () => {
  it('host-assembled and backend-gathered batches are identical, shifts included', async () => {
    await selectBackend('cpu');
    const { train: dataset } = await loadDataset('embedded');
    const subset = dataset.slice(0, 300);
    for (const maxShift of [0, 2]) {
      const options = { maxShift, labelSmoothing: 0.1 };
      const [host, device] = [new HostBatches(subset, options), new DeviceBatches(subset, options)];
      const indices = Int32Array.from([5, 299, 0, 17, 17]);
      const [rngA, rngB] = [createRng(9), createRng(9)];
      tf.tidy(() => {
        const [a, b] = [host.batch(indices, rngA), device.batch(indices, rngB)];
        expect(a.x.dataSync()).toEqual(b.x.dataSync());
        expect(a.targets.dataSync()).toEqual(b.targets.dataSync());
        expect(Array.from(a.labels.dataSync())).toEqual([5, 299, 0, 17, 17].map((i) => subset.labels[i]));
        expect(Array.from(b.labels.dataSync())).toEqual([5, 299, 0, 17, 17].map((i) => subset.labels[i]));
      });
      expect(rngA.state).toBe(rngB.state);
      host.dispose();
      device.dispose();
    }
  });

  it('a shift moves the digit: shifted by (dy, dx) equals the original translated', async () => {
    await selectBackend('cpu');
    const { train: dataset } = await loadDataset('embedded');
    const subset = dataset.slice(0, 3);
    const plain = new HostBatches(subset, {}).batch(Int32Array.from([1])).x.dataSync();
    // An RNG whose draws are fixed: first vertical, then horizontal, each floor(u·5) − 2.
    const draws = [4 / 5 + 0.01, 1 / 5 + 0.01];
    const rng = { next: () => draws.shift()!, state: 0 };
    const shifted = new HostBatches(subset, { maxShift: 2 }).batch(Int32Array.from([1]), rng).x.dataSync();
    const [dy, dx] = [2, -1];
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const [sr, sc] = [r - dy, c - dx];
        const expected = sr >= 0 && sr < 28 && sc >= 0 && sc < 28 ? plain[sr * 28 + sc] : plain[0];
        expect(shifted[r * 28 + c]).toBe(expected);
      }
    }
  });
});
