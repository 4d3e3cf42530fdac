import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace, type Dataset } from '@mnist-onnx/mnist';
import { assertReplaceable, loadDataset } from '@mnist-onnx/mnist/node';
import { selectBackend, type BackendSelection } from './backends/registry.js';
import type { BatchSource } from './batch-source.js';
import { assertSameRun, CHECKPOINT_JSON, loadCheckpoint, saveCheckpoint, type Checkpoint, type RunIdentity } from './checkpoint.js';
import { DeviceBatches } from './device-batches.js';
import { DivergenceError } from './errors.js';
import { TestSet } from './evaluate.js';
import { lossAndGradients, type FastMlpConfig } from './fast-mlp.js';
import { HostBatches } from './host-batches.js';
import { buildModel, denseParams, flatParams, layerActivations } from './model.js';
import { MODEL_JSON, saveLayersModel } from './model-io.js';
import { TrainOptimizer } from './optimizers.js';
import { resolveOptions, type ResolvedOptions, type TrainOptions } from './options.js';
import { learningRateAt } from './schedule.js';
import { TRAINING_RECORD, type EpochStats, type TrainingRecord } from './training-record.js';
import { libraryVersions } from './versions.js';

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

/** Callbacks for the CLI (log lines, progress bar, JSON) and the pipeline. */
export interface TrainHooks {
  onBackend?(selection: BackendSelection): void;
  onStart?(info: { options: ResolvedOptions; startEpoch: number; trainCount: number; testCount: number }): void;
  onBatch?(progress: BatchProgress): void;
  onEpoch?(stats: EpochStats): void;
}

export interface TrainResult {
  record: TrainingRecord;
  /** The trained model, still alive on the backend (dispose it when done). */
  model: tf.LayersModel;
  modelDir: string;
  recordPath: string;
  checkpointDir: string;
}

/**
 * Trains the MLP and writes model.json + weights.bin + training-record.json to the model
 * folder (atomically), with a checkpoint after every epoch.
 */
export async function train(options: TrainOptions = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const wallStart = performance.now();
  const opts = resolveOptions(options);
  const { hp } = opts;
  // Refuse a --out or checkpoint folder we would not be allowed to replace before training, not after.
  await assertReplaceable(opts.out, MODEL_JSON);
  await assertReplaceable(opts.checkpointDir, CHECKPOINT_JSON);
  const split = await loadDataset(opts.data);
  const trainSet = limit(split.train, opts.trainLimit);
  const testSet = limit(split.test, opts.testLimit);
  const identity: RunIdentity = {
    preset: opts.preset,
    hyperparameters: hp,
    datasetId: split.id,
    datasetFiles: split.files.map(({ name, sha256 }) => ({ name, sha256 })),
    trainCount: trainSet.count,
    maxBatches: opts.maxBatches,
  };
  let checkpoint: Checkpoint | undefined;
  if (opts.resume) {
    checkpoint = await loadCheckpoint(opts.checkpointDir);
    assertSameRun(opts.checkpointDir, checkpoint, identity);
  }

  const backend = await selectBackend(opts.backend);
  hooks.onBackend?.(backend);

  const model = buildModel(hp);
  const params = denseParams(model);
  const variables = flatParams(model);
  const optimizer = new TrainOptimizer(hp, variables);
  const rng = createRng(hp.seed, checkpoint?.rngState);
  const history: EpochStats[] = checkpoint ? [...checkpoint.history] : [];
  if (checkpoint) {
    const saved = checkpoint.weights;
    tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(saved[i], v.shape))));
    optimizer.setState(checkpoint.optimizer);
  }
  const startEpoch = checkpoint?.epoch ?? 0;
  const previousSeconds = checkpoint?.elapsedSeconds ?? 0;

  // wasm and cpu tensors live in host memory, where copying rows beats the backend's gather.
  const onHost = backend.tfjsName === 'wasm' || backend.tfjsName === 'cpu';
  const batchOptions = { maxShift: hp.maxShift, labelSmoothing: hp.labelSmoothing };
  const source: BatchSource = onHost ? new HostBatches(trainSet, batchOptions) : new DeviceBatches(trainSet, batchOptions);
  const test = new TestSet(testSet);
  const config: FastMlpConfig = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss };
  const batchesPerEpoch = Math.min(Math.ceil(trainSet.count / hp.batchSize), opts.maxBatches ?? Infinity);
  const totalSteps = batchesPerEpoch * hp.epochs;
  hooks.onStart?.({ options: opts, startEpoch, trainCount: trainSet.count, testCount: testSet.count });

  try {
    for (let epoch = startEpoch + 1; epoch <= hp.epochs; epoch++) {
      const epochStart = performance.now();
      const order = shuffleInPlace(Int32Array.from({ length: trainSet.count }, (_, i) => i), rng);
      // Running totals on the backend: one small add per step, no read-back. (A single addN over
      // every batch's scalar would exceed WebGPU's limit of 8 storage buffers per shader.)
      let lossTotal: tf.Scalar = tf.scalar(0);
      let correctTotal: tf.Scalar = tf.scalar(0);
      let samples = 0;
      let lr = hp.lr;
      for (let b = 0; b < batchesPerEpoch; b++) {
        const indices = order.subarray(b * hp.batchSize, Math.min((b + 1) * hp.batchSize, trainSet.count));
        lr = learningRateAt(hp, (epoch - 1) * batchesPerEpoch + b, totalSteps);
        const [loss, correct] = tf.tidy(() => {
          const batch = source.batch(indices, rng);
          const step = lossAndGradients(params, config, batch.x, batch.targets);
          optimizer.apply(step.grads, lr);
          const hits = tf.sum(tf.cast(tf.equal(tf.argMax(step.outputs, 1), batch.labels), 'float32'));
          return [tf.mul(step.loss, indices.length) as tf.Scalar, hits as tf.Scalar];
        });
        const [nextLoss, nextCorrect] = [tf.add(lossTotal, loss) as tf.Scalar, tf.add(correctTotal, correct) as tf.Scalar];
        tf.dispose([lossTotal, correctTotal, correct]);
        [lossTotal, correctTotal] = [nextLoss, nextCorrect];
        // Asynchronous read: webgpu has no synchronous readback in Node (it needs OffscreenCanvas).
        const logged = b % opts.logInterval === 0 ? (await loss.data())[0] / indices.length : undefined;
        hooks.onBatch?.({ epoch, batch: b + 1, batches: batchesPerEpoch, seen: samples, total: trainSet.count, loss: logged });
        loss.dispose();
        samples += indices.length;
      }
      const [lossSum, correctSum] = [(await lossTotal.data())[0], (await correctTotal.data())[0]];
      tf.dispose([lossTotal, correctTotal]);
      const seconds = (performance.now() - epochStart) / 1000;
      const trainLoss = lossSum / samples;
      if (!Number.isFinite(trainLoss)) {
        throw new DivergenceError(`training diverged in epoch ${epoch}: the loss is ${trainLoss} (try a lower --lr)`);
      }
      const evaluation = await test.evaluate(params, config);
      const stats: EpochStats = {
        epoch,
        trainLoss,
        trainAccuracy: correctSum / samples,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.correct / test.count,
        testCorrect: evaluation.correct,
        testCount: test.count,
        seconds,
        samplesPerSecond: samples / seconds,
        lr,
      };
      history.push(stats);
      await saveCheckpoint(opts.checkpointDir, {
        ...identity,
        epoch,
        weights: await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array)),
        optimizer: await optimizer.getState(),
        rngState: rng.state,
        history,
        elapsedSeconds: previousSeconds + (performance.now() - wallStart) / 1000,
      });
      hooks.onEpoch?.(stats);
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    source.dispose();
    test.dispose();
    optimizer.dispose();
  }

  // epochs ≥ 1, so there is always a last epoch (from this run or the checkpoint's).
  const last = history.at(-1)!;
  const record: TrainingRecord = {
    preset: opts.preset,
    hyperparameters: hp,
    dataset: { id: split.id, source: split.source, trainCount: trainSet.count, testCount: testSet.count, files: identity.datasetFiles },
    history,
    backend: backend.name,
    backendNotes: [...backend.notes, ...backend.skipped.map((s) => `skipped ${s.name}: ${s.reason}`)],
    versions: libraryVersions(),
    wallSeconds: previousSeconds + (performance.now() - wallStart) / 1000,
    ...(checkpoint ? { resumedFromEpoch: checkpoint.epoch } : {}),
    testAccuracy: last.testAccuracy,
    testCorrect: last.testCorrect,
    testCount: last.testCount,
    finishedAt: new Date().toISOString(),
  };
  await saveLayersModel(model, opts.out, { extraFiles: { [TRAINING_RECORD]: `${JSON.stringify(record, null, 2)}\n` } });
  return { record, model, modelDir: opts.out, recordPath: join(opts.out, TRAINING_RECORD), checkpointDir: opts.checkpointDir };
}

/** `count` samples spread evenly over the set (the IDX files are sorted by digit). */
function limit(dataset: Dataset, count: number | null): Dataset {
  if (count === null || count >= dataset.count) return dataset;
  return dataset.select(Array.from({ length: count }, (_, i) => Math.floor((i * dataset.count) / count)));
}
