import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVATIONS, buildModel, denseParams, featureMajorLayers, flatParams, forward, layerActivations, lossAndGradients, presetHyperparameters,
  selectBackend, TrainOptimizer, type Hyperparameters, type LossName,
} from '../src/index.js';

// The fast training step (hand-written backward pass, own optimizers) against the plain tfjs
// path: the LayersModel's own forward pass, tf.variableGrads, and tfjs's optimizers.

beforeAll(async () => {
  await selectBackend('wasm');
});

const BATCH = 32;

function batch(seed: number, smoothing = 0, rows = BATCH): { x: tf.Tensor2D; targets: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, 784], 0, 1, 'float32', seed) as tf.Tensor2D;
    const labels = tf.randomUniform([rows], 0, 10, 'int32', seed + 1) as tf.Tensor1D;
    const targets = tf.add(tf.mul(tf.oneHot(labels, 10).toFloat(), 1 - smoothing), smoothing / 10) as tf.Tensor2D;
    return { x, targets };
  });
}

/** The loss as a plain tfjs user writes it, on the LayersModel's own forward pass. */
function referenceLoss(model: tf.LayersModel, x: tf.Tensor2D, targets: tf.Tensor2D, loss: LossName): tf.Scalar {
  const outputs = model.apply(x) as tf.Tensor2D;
  return loss === 'mse' ? tf.losses.meanSquaredError(targets, outputs) as tf.Scalar : tf.losses.softmaxCrossEntropy(targets, outputs) as tf.Scalar;
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

const cases: [Hyperparameters['activation'], Hyperparameters['finalActivation'], LossName][] = [
  ...ACTIVATIONS.map((a) => [a, 'none', 'cross-entropy'] as [Hyperparameters['activation'], 'none', LossName]),
  ['relu', 'relu', 'cross-entropy'],
  ['relu', 'none', 'mse'],
  ['selu', 'relu', 'mse'],
];

// The step computes a layer feature-major on wasm when its batch is small against the layer's
// units (fast-mlp.ts): 32 rows take that path for both hidden layers, 256 rows none.
const LAYOUTS = [
  { rows: BATCH, featureMajor: [true, true, false] },
  { rows: 256, featureMajor: [false, false, false] },
];

describe('fast training step', () => {
  it.each(LAYOUTS)('$rows rows on wasm: feature-major layers $featureMajor', ({ rows, featureMajor }) => {
    const model = buildModel(presetHyperparameters('default'));
    expect(featureMajorLayers(denseParams(model), rows)).toEqual(featureMajor);
    model.dispose();
  });

  it('on the cpu backend, which packs nothing, every layer stays row-major', async () => {
    await selectBackend('cpu');
    try {
      const model = buildModel(presetHyperparameters('default'));
      expect(featureMajorLayers(denseParams(model), 1)).toEqual([false, false, false]);
      model.dispose();
    } finally {
      await selectBackend('wasm');
    }
  });

  const layoutCases = LAYOUTS.flatMap(({ rows }) => cases.map(([a, f, l]) => [a, f, l, rows] as const));
  it.each(layoutCases)('%s hidden, %s final, %s, %i rows: output, loss and gradients match tf.variableGrads within 1e-5', (activation, finalActivation, loss, rows) => {
    const hp: Hyperparameters = { ...presetHyperparameters('default'), activation, finalActivation, loss, seed: 7 };
    const model = buildModel(hp);
    const config = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss };
    const { x, targets } = batch(3, 0.1, rows);
    tf.tidy(() => {
      const fast = lossAndGradients(denseParams(model), config, x, targets);
      expect(maxAbsDiff(fast.outputs, model.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      const vars = flatParams(model);
      const reference = tf.variableGrads(() => referenceLoss(model, x, targets, loss), vars);
      expect(Math.abs(fast.loss.dataSync()[0] - reference.value.dataSync()[0])).toBeLessThan(1e-5);
      vars.forEach((v, i) => expect(maxAbsDiff(fast.grads[i], reference.grads[v.name])).toBeLessThan(1e-5));
    });
    tf.dispose([x, targets]);
    model.dispose();
  });

  it('forward() is what model.predict returns', () => {
    const hp = presetHyperparameters('seed');
    const model = buildModel(hp);
    const { x, targets } = batch(5);
    const config = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss };
    const difference = tf.tidy(() => maxAbsDiff(forward(denseParams(model), config, x), model.predict(x) as tf.Tensor));
    expect(difference).toBeLessThan(1e-5);
    tf.dispose([x, targets]);
    model.dispose();
  });

  it.each([
    ['sgd', () => tf.train.sgd(0.05)],
    ['momentum', () => tf.train.momentum(0.05, 0.9)],
    ['adam', () => tf.train.adam(0.002, 0.9, 0.999, 1e-8)],
  ] as const)('%s: 8 steps give the same losses as tfjs\'s optimizer on the plain path (within 1e-5)', (name, makeReference) => {
    const hp: Hyperparameters = { ...presetHyperparameters('seed'), optimizer: name, lr: name === 'adam' ? 0.002 : 0.05, momentum: 0.9, finalActivation: 'none' };
    const fastModel = buildModel(hp);
    const plainModel = buildModel(hp);
    const config = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss };
    const optimizer = new TrainOptimizer(hp, flatParams(fastModel));
    const reference = makeReference();
    for (let step = 0; step < 8; step++) {
      const { x, targets } = batch(100 + step);
      const fastLoss = tf.tidy(() => {
        const result = lossAndGradients(denseParams(fastModel), config, x, targets);
        optimizer.apply(result.grads, hp.lr);
        return result.loss.dataSync()[0];
      });
      const plainLoss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => referenceLoss(plainModel, x, targets, hp.loss), flatParams(plainModel));
        reference.applyGradients(grads as tf.NamedTensorMap as never);
        return value.dataSync()[0];
      });
      expect(Math.abs(fastLoss - plainLoss)).toBeLessThan(1e-5);
      tf.dispose([x, targets]);
    }
    const [fastW, plainW] = [flatParams(fastModel), flatParams(plainModel)];
    fastW.forEach((w, i) => expect(maxAbsDiff(w, plainW[i])).toBeLessThan(1e-4));
    optimizer.dispose();
    reference.dispose();
    fastModel.dispose();
    plainModel.dispose();
  });

  it('adamw with weight decay 0 is adam: 3 steps on the same random gradients give identical weights', () => {
    const base = { ...presetHyperparameters('default'), seed: 3 };
    const models = [buildModel(base), buildModel(base)];
    const optimizers = [
      new TrainOptimizer({ ...base, optimizer: 'adam' }, flatParams(models[0])),
      new TrainOptimizer({ ...base, optimizer: 'adamw', weightDecay: 0 }, flatParams(models[1])),
    ];
    const initial = flatParams(models[0]).map((v) => tf.clone(v));
    for (let step = 0; step < 3; step++) {
      // Seeded, so both optimizers see the same non-zero gradients (zeros would move no weight at all).
      const grads = flatParams(models[0]).map((v, i) => tf.randomNormal(v.shape, 0, 1, 'float32', 1000 + step * 10 + i));
      optimizers.forEach((o) => o.apply(grads, 0.01));
      tf.dispose(grads);
    }
    const [adam, adamw] = [flatParams(models[0]), flatParams(models[1])];
    adam.forEach((w, i) => {
      expect(maxAbsDiff(w, adamw[i])).toBe(0);
      // Every parameter tensor moved: the equality above compares trained weights, not two untouched copies.
      expect(maxAbsDiff(w, initial[i])).toBeGreaterThan(1e-3);
    });
    tf.dispose(initial);
    optimizers.forEach((o) => o.dispose());
    models.forEach((m) => m.dispose());
  });

  it('adamw with weight decay shrinks the weights by lr·decay before the Adam step', () => {
    const base = { ...presetHyperparameters('default'), seed: 3 };
    const model = buildModel(base);
    const optimizer = new TrainOptimizer({ ...base, optimizer: 'adamw', weightDecay: 0.5 }, flatParams(model));
    const before = tf.clone(flatParams(model)[0]);
    const zeroGrads = flatParams(model).map((v) => tf.zerosLike(v));
    optimizer.apply(zeroGrads, 0.1);
    // Zero gradients: the Adam part moves nothing, so only the decay shows: weights × (1 − 0.1·0.5).
    const expected = tf.mul(before, 0.95);
    expect(maxAbsDiff(flatParams(model)[0], expected)).toBeLessThan(1e-6);
    expect(maxAbsDiff(flatParams(model)[0], before)).toBeGreaterThan(1e-3);
    tf.dispose([before, expected, ...zeroGrads]);
    optimizer.dispose();
    model.dispose();
  });
});
