// Training throughput of the MLP on each tfjs backend that starts here: the trainer's fast
// step against a straightforward tfjs loop (tf.layers model + optimizer.minimize), on the same
// data, batch size and optimizer. Usage: pnpm --filter @mnist-onnx/train bench [-- --batch-size N --seconds S]
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import {
  BACKEND_NAMES, buildModel, denseParams, DeviceBatches, flatParams, HostBatches, layerActivations, lossAndGradients,
  presetHyperparameters, selectBackend, TrainOptimizer, type BatchSource, type Hyperparameters,
} from '../src/index.js';

const FLOPS_PER_SAMPLE = 879_200;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const batchSize = arg('batch-size', 200);
const seconds = arg('seconds', 3);

// The comparison PyTorch users would run: Adam 1e-3, no augmentation, logits without ReLU.
const hp: Hyperparameters = {
  ...presetHyperparameters('default'),
  batchSize, lr: 1e-3, optimizer: 'adam', weightDecay: 0, schedule: 'constant', maxShift: 0, labelSmoothing: 0,
};
const { train: dataset } = await loadDataset('embedded');

/** Runs `step` over shuffled batches for ~`seconds` after two warm-up batches; samples/s. */
async function measure(step: (indices: Int32Array) => tf.Scalar): Promise<number> {
  const rng = createRng(1);
  let order = shuffleInPlace(Int32Array.from({ length: dataset.count }, (_, i) => i), rng);
  let position = 0;
  const next = () => {
    if (position + batchSize > order.length) {
      order = shuffleInPlace(order, rng);
      position = 0;
    }
    position += batchSize;
    return order.subarray(position - batchSize, position);
  };
  for (let i = 0; i < 2; i++) await step(next()).data();
  let samples = 0;
  const start = performance.now();
  let last: tf.Scalar | undefined;
  while (performance.now() - start < seconds * 1000) {
    last?.dispose();
    last = step(next());
    samples += batchSize;
    if (samples % (batchSize * 20) === 0) await last.data();
  }
  await last?.data();
  last?.dispose();
  return samples / ((performance.now() - start) / 1000);
}

function fastStep(source: BatchSource) {
  const model = buildModel(hp);
  const params = denseParams(model);
  const optimizer = new TrainOptimizer(hp, flatParams(model));
  const config = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss };
  const step = (indices: Int32Array) => tf.tidy(() => {
    const batch = source.batch(indices);
    const result = lossAndGradients(params, config, batch.x, batch.targets);
    optimizer.apply(result.grads, hp.lr);
    return result.loss;
  });
  return { step, dispose: () => { optimizer.dispose(); model.dispose(); } };
}

/** What the tfjs tutorials do: the LayersModel's forward pass, autodiff, tfjs's Adam. */
function naiveStep(source: BatchSource) {
  const model = buildModel(hp);
  const optimizer = tf.train.adam(hp.lr);
  const step = (indices: Int32Array) => tf.tidy(() => {
    const batch = source.batch(indices);
    return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(batch.targets, model.apply(batch.x) as tf.Tensor) as tf.Scalar, true)!;
  });
  return { step, dispose: () => { optimizer.dispose(); model.dispose(); } };
}

const rows: string[][] = [];
for (const name of BACKEND_NAMES) {
  try {
    await selectBackend(name);
  } catch (error) {
    console.log(`${name}: skipped (${(error as Error).message})`);
    continue;
  }
  const onHost = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const source = onHost ? new HostBatches(dataset) : new DeviceBatches(dataset);
  const results: Record<string, number> = {};
  for (const [label, make] of [['fast', fastStep], ['naive', naiveStep]] as const) {
    const { step, dispose } = make(source);
    results[label] = await measure(step);
    dispose();
  }
  source.dispose();
  for (const label of ['fast', 'naive']) {
    rows.push([name, label === 'fast' ? 'fast step (this trainer)' : 'naive: tf.layers + optimizer.minimize', String(batchSize),
      Math.round(results[label]).toString(), ((results[label] * FLOPS_PER_SAMPLE) / 1e9).toFixed(1),
      label === 'fast' ? `${(results.fast / results.naive).toFixed(2)}×` : '1.00×']);
  }
  console.log(`${name}: fast ${Math.round(results.fast)} samples/s, naive ${Math.round(results.naive)} samples/s, ratio ${(results.fast / results.naive).toFixed(2)}×`);
}
const header = ['backend', 'training step', 'batch', 'samples/s', 'GFLOP/s', 'vs naive'];
console.log(`\nAdam 1e-3, batch ${batchSize}, ${dataset.count} embedded training digits, ~${seconds} s per measurement\n`);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
