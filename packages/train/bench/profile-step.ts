// Where one training step's time goes, per tfjs kernel (tf.profile), on the wasm backend.
// Usage: node --import tsx packages/train/bench/profile-step.ts [--preset default|seed] [--batch-size N] [--optimizer NAME]
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { createRng } from '@mnist-onnx/mnist';
import {
  buildModel, denseParams, flatParams, HostBatches, layerActivations, lossAndGradients, presetHyperparameters, selectBackend,
  TrainOptimizer, type Hyperparameters,
} from '../src/index.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const base = presetHyperparameters(arg('preset') ?? 'default');
const hp: Hyperparameters = {
  ...base,
  batchSize: Number(arg('batch-size') ?? base.batchSize),
  optimizer: (arg('optimizer') ?? base.optimizer) as Hyperparameters['optimizer'],
};
await selectBackend(arg('backend') ?? 'wasm');
const { train } = await loadDataset('embedded');
const source = new HostBatches(train, { maxShift: hp.maxShift, labelSmoothing: hp.labelSmoothing });
const model = buildModel(hp);
const params = denseParams(model);
const optimizer = new TrainOptimizer(hp, flatParams(model));
const config = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss };
const rng = createRng(1);
const indices = Int32Array.from({ length: hp.batchSize }, (_, i) => i);
const step = () => tf.tidy(() => {
  const batch = source.batch(indices, rng);
  const result = lossAndGradients(params, config, batch.x, batch.targets);
  optimizer.apply(result.grads, hp.lr);
  return result.loss;
});
for (let i = 0; i < 20; i++) step().dispose();
const start = performance.now();
for (let i = 0; i < 50; i++) step().dispose();
const stepMs = (performance.now() - start) / 50;
const profile = await tf.profile(() => step());
const byKernel = new Map<string, { count: number; ms: number }>();
for (const k of profile.kernels) {
  if (k.name.endsWith('__op')) continue; // op wrappers repeat their kernels' time
  const entry = byKernel.get(k.name) ?? { count: 0, ms: 0 };
  entry.count += 1;
  entry.ms += Number(k.kernelTimeMs);
  byKernel.set(k.name, entry);
}
const kernelMs = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(`${hp.optimizer}, batch ${hp.batchSize}: ${stepMs.toFixed(2)} ms/step (${Math.round((hp.batchSize * 1000) / stepMs)} samples/s), kernels ${kernelMs.toFixed(2)} ms in ${profile.kernels.length} calls`);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${name.padEnd(14)} ×${String(e.count).padStart(3)} ${e.ms.toFixed(2)} ms`);
