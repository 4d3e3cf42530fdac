import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, denseParams, presetHyperparameters, resolveOptions, selectBackend, TrainOptimizer, TrainOptionsError, flatParams } from '../src/index.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('presets', () => {
  it('rejects an unknown preset, naming the flag and the choices', () => {
    expect(() => presetHyperparameters('fast')).toThrow(TrainOptionsError);
    expect(() => presetHyperparameters('fast')).toThrow('--preset: unknown preset "fast". Should be one of: seed, default');
  });

  it.each([
    [{ batchSize: 0 }, '--batch-size: must be a positive integer, got 0'],
    [{ epochs: 1.5 }, '--epochs: must be a positive integer, got 1.5'],
    [{ lr: -1 }, '--lr: must be a positive number, got -1'],
    [{ lr: Number.NaN }, '--lr: must be a positive number, got NaN'],
    [{ optimizer: 'rmsprop' }, '--optimizer: "rmsprop" is not one of sgd, momentum, adam, adamw'],
    [{ labelSmoothing: 1 }, '--label-smoothing: must be in [0, 1), got 1'],
  ])('rejects bad overrides %j', (overrides, message) => {
    const run = () => resolveOptions({ overrides: overrides as never });
    expect(run).toThrow(TrainOptionsError);
    expect(run).toThrow(message);
  });

  it('seed: the seed project exactly (SGD 0.01, batch 200, 10 epochs, ReLU on the logits, cross-entropy)', () => {
    const hp = presetHyperparameters('seed');
    expect(hp).toMatchObject({
      epochs: 10, batchSize: 200, lr: 0.01, optimizer: 'sgd', momentum: 0, weightDecay: 0, schedule: 'constant',
      loss: 'cross-entropy', labelSmoothing: 0, activation: 'relu', finalActivation: 'relu', init: 'kaiming-normal',
      maxShift: 0, hiddenUnits: [200, 200], inputUnits: 784, outputUnits: 10,
    });
  });

  it('seed: builds Dense 784→200→200→10 with ReLU after every layer and Kaiming-normal weights, zero biases', () => {
    const model = buildModel(presetHyperparameters('seed'));
    const layers = model.layers.map((l) => ({ cls: l.getClassName(), ...(l.getConfig() as Record<string, unknown>) }) as Record<string, unknown>);
    expect(layers.map((l) => [l.cls, l.units, l.activation])).toEqual([
      ['Dense', 200, 'relu'], ['Dense', 200, 'relu'], ['Dense', 10, 'relu'],
    ]);
    expect(model.inputs[0].shape).toEqual([null, 784]);
    const fanIns = [784, 200, 200];
    layers.forEach((l, i) => {
      expect(l.kernelInitializer).toMatchObject({ className: 'RandomNormal', config: { mean: 0, stddev: Math.sqrt(2 / fanIns[i]) } });
      expect(l.biasInitializer).toMatchObject({ className: 'Zeros' });
    });
    // The drawn weights: untruncated normal with std √(2/784) (tfjs's heNormal would cut at 2σ).
    const w = Array.from(denseParams(model)[0].kernel.dataSync());
    const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 784), 3);
    expect(w.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(3 * Math.sqrt(2 / 784));
    expect(Array.from(denseParams(model)[0].bias.dataSync()).every((b) => b === 0)).toBe(true);
    model.dispose();
  });

  // Two steps with every gradient 2 at lr 0.01, PyTorch's update rules. One step with gradient 1
  // would move SGD, momentum and Adam alike by −lr; two steps with gradient 2 tell them apart:
  //   sgd:          −lr·g = −0.02 per step                      → −0.02, −0.04
  //   momentum 0.9: buf = 2, then 0.9·2 + 2 = 3.8; −lr·buf       → −0.02, −0.058
  //   adam (0.9, 0.999): m̂ / √v̂ = 2 / 2 = 1 each step; −lr·1   → −0.01, −0.02
  it.each([
    ['the seed preset: plain SGD with lr 0.01', [-0.02, -0.04], {}, 'sgd'],
    ['momentum 0.9 (a control)', [-0.02, -0.058], { optimizer: 'momentum', momentum: 0.9 }, 'momentum'],
    ['adam (a control)', [-0.01, -0.02], { optimizer: 'adam', momentum: 0.9 }, 'adam'],
  ] as const)('%s: two steps with gradient 2 move every weight by %j (total after each step)', (_name, deltas, overrides, optimizerName) => {
    const hp = { ...presetHyperparameters('seed'), ...overrides };
    expect(hp.lr).toBe(0.01);
    const model = buildModel(hp);
    const vars = flatParams(model);
    const before = vars.map((v) => tf.clone(v));
    const grads = vars.map((v) => tf.fill(v.shape, 2));
    const optimizer = new TrainOptimizer(hp, vars);
    expect(optimizer.name).toBe(optimizerName);
    for (const delta of deltas) {
      optimizer.apply(grads, hp.lr);
      vars.forEach((v, i) => {
        const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(v, tf.add(before[i], delta)))).dataSync()[0]);
        expect(worst).toBeLessThan(1e-6);
      });
    }
    tf.dispose([...before, ...grads]);
    optimizer.dispose();
    model.dispose();
  });

  it('default: no ReLU on the logits, AdamW with one-cycle, batch 50, shifts and label smoothing', () => {
    const hp = presetHyperparameters('default');
    expect(hp).toMatchObject({ optimizer: 'adamw', schedule: 'one-cycle', batchSize: 50, maxShift: 1, labelSmoothing: 0.1, finalActivation: 'none', epochs: 10 });
    const model = buildModel(hp);
    expect(model.layers.map((l) => (l.getConfig() as { activation: string }).activation)).toEqual(['relu', 'relu', 'linear']);
    model.dispose();
  });

  it('leaky-relu becomes a LeakyReLU layer (alpha kept) after a linear Dense', () => {
    const model = buildModel({ ...presetHyperparameters('default'), activation: 'leaky-relu', leakyAlpha: 0.01 });
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'LeakyReLU', 'Dense', 'LeakyReLU', 'Dense']);
    expect((model.layers[1].getConfig() as { alpha: number }).alpha).toBeCloseTo(0.01, 7);
    model.dispose();
  });
});
