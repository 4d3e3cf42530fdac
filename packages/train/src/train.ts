import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng, type Dataset, type Rng } from '@mnist-onnx/mnist';
import { ARTIFACT_FILES, serializeArtifact, trainingRecordContract, type EpochStats, type TrainingRecord } from '@mnist-onnx/mnist/artifacts';
import { flagName, loadDataset, type DatasetSplit } from '@mnist-onnx/mnist/node';
import { selectBackend, type BackendSelection } from './backends/registry.js';
import type { BatchSource } from './batch-source.js';
import { assertSameRun, loadCheckpoint, saveCheckpoint, type Checkpoint, type RunIdentity } from './checkpoint.js';
import { DeviceBatches } from './device-batches.js';
import { assertNotDiverged } from './divergence.js';
import { trainEpoch, type BatchProgress, type EpochTotals } from './epoch-loop.js';
import { TestSet } from './evaluate.js';
import type { FastMlpConfig } from './fast-mlp.js';
import { HostBatches } from './host-batches.js';
import { buildModel, denseParams, flatParams, layerActivations, type DenseParams } from './model.js';
import { saveLayersModel } from './model-io.js';
import { TrainOptimizer } from './optimizers.js';
import { resolveOptions, TRAIN_FLAGS, type ResolvedOptions, type TrainOptions } from './options.js';
import { claimTrainOutputs } from './train-outputs.js';
import { libraryVersions } from './versions.js';
import { trainEpochOnWorkers } from './workers/parallel-epoch.js';
import { resolveWorkerCount } from './workers/worker-count.js';
import { WorkerPool, type WorkerTiming } from './workers/worker-pool.js';

// Where the CLI's reporter and the pipeline have always found it.
export type { BatchProgress };

/** Callbacks for the CLI (log lines, progress bar, JSON) and the pipeline. */
export interface TrainHooks {
  onBackend?(selection: BackendSelection): void;
  onStart?(info: { options: ResolvedOptions; startEpoch: number; trainCount: number; testCount: number; workers: number; workerReason: string }): void;
  onBatch?(progress: BatchProgress): void;
  onEpoch?(stats: EpochStats): void;
  /**
   * Asked after each epoch, once its checkpoint is written: true ends the run there, as early
   * stopping does (the model and record are saved as after a last epoch; `--resume` would go
   * on to the planned epochs). The bench uses it to time whole epochs for a given time.
   */
  stopAfterEpoch?(stats: EpochStats): boolean;
  /** After each epoch trained on worker threads: where each worker's time went, and the bytes its backend holds. */
  onWorkerTimings?(info: { epoch: number; steps: number; workers: WorkerTiming[]; backendBytes: number[] }): void;
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
 * folder (atomically), with a checkpoint after every epoch. Four steps: resolve what this run
 * is, restore its state (fresh or from the checkpoint), run the epochs, finish (record, save).
 */
export async function train(options: TrainOptions = {}, hooks: TrainHooks = {}): Promise<TrainResult> {
  const opts = resolveOptions(options);
  const release = await claimTrainOutputs(opts);
  try {
    return await trainClaimed(opts, hooks);
  } finally {
    await release();
  }
}

/** train() once its output folders are this run's. */
async function trainClaimed(opts: ResolvedOptions, hooks: TrainHooks): Promise<TrainResult> {
  const wallStart = performance.now();
  const run = await resolveRun(opts, hooks);
  const state = restoreState(run);
  const loop = prepareEpochs(run);
  try {
    loop.pool = run.workers > 0 ? await startWorkers(run, state, loop) : undefined;
    hooks.onStart?.({ options: run.opts, startEpoch: state.startEpoch, trainCount: run.trainSet.count, testCount: run.testSet.count, workers: run.workers, workerReason: run.workerReason });
    for (let epoch = state.startEpoch + 1; epoch <= run.opts.hp.epochs; epoch++) {
      const stats = await runEpoch(epoch, run, state, loop, hooks);
      state.history.push(stats);
      await saveEpochCheckpoint(epoch, run, state, wallStart);
      hooks.onEpoch?.(stats);
      if (hooks.stopAfterEpoch?.(stats)) break;
    }
  } catch (error) {
    state.model.dispose();
    throw error;
  } finally {
    await loop.pool?.close();
    loop.source.dispose();
    loop.test.dispose();
    state.optimizer.dispose();
  }
  return finish(run, state, wallStart);
}

// ── resolve: options, data, the run's identity, the checkpoint to resume, the backend ──────

/** Everything decided before the first tensor exists. */
interface ResolvedRun {
  opts: ResolvedOptions;
  split: DatasetSplit;
  trainSet: Dataset;
  testSet: Dataset;
  identity: RunIdentity;
  /** The checkpoint `--resume` continues (already checked to be of this run). */
  checkpoint: Checkpoint | undefined;
  backend: BackendSelection;
  /** Data-parallel worker threads (0: the main thread trains alone). */
  workers: number;
  /** Why that many, for the log: `2 worker threads (auto: …)`, `main thread (auto: …)`. */
  workerReason: string;
}

/**
 * The cheap checks come first (the output folders were claimed before), so a bad dataset or a
 * checkpoint of another run fails before any backend starts.
 */
async function resolveRun(opts: ResolvedOptions, hooks: TrainHooks): Promise<ResolvedRun> {
  const split = await loadDataset(opts.data);
  const trainSet = limit(split.train, opts.trainLimit);
  const testSet = limit(split.test, opts.testLimit);
  const identity: RunIdentity = {
    preset: opts.preset,
    hyperparameters: opts.hp,
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
  const { hp } = opts;
  const workerChoice = resolveWorkerCount({
    request: opts.workers,
    backend: backend.tfjsName,
    batchSize: hp.batchSize,
    samples: Math.min(trainSet.count, (opts.maxBatches ?? Infinity) * hp.batchSize) * (hp.epochs - (checkpoint?.epoch ?? 0)),
    flag: flagName(TRAIN_FLAGS, 'workers'),
  });
  return { opts, split, trainSet, testSet, identity, checkpoint, backend, workers: workerChoice.count, workerReason: workerChoice.reason };
}

/** `count` samples spread evenly over the set (the IDX files are sorted by digit). */
function limit(dataset: Dataset, count: number | null): Dataset {
  if (count === null || count >= dataset.count) return dataset;
  return dataset.select(Array.from({ length: count }, (_, i) => Math.floor((i * dataset.count) / count)));
}

// ── restore: the model, optimizer and RNG, fresh or as the checkpoint left them ─────────────

interface TrainingState {
  model: tf.LayersModel;
  params: DenseParams[];
  variables: tf.Variable[];
  optimizer: TrainOptimizer;
  /** Drives shuffling and augmentation; its state is saved with every checkpoint. */
  rng: Rng;
  history: EpochStats[];
  /** Epochs already done (0 for a fresh run). */
  startEpoch: number;
  /** Wall time of the earlier runs of a resumed one. */
  previousSeconds: number;
}

function restoreState({ opts, checkpoint }: ResolvedRun): TrainingState {
  const model = buildModel(opts.hp);
  const variables = flatParams(model);
  const state: TrainingState = {
    model,
    params: denseParams(model),
    variables,
    optimizer: new TrainOptimizer(opts.hp, variables),
    rng: createRng(opts.hp.seed, checkpoint?.rngState),
    history: checkpoint ? [...checkpoint.history] : [],
    startEpoch: checkpoint?.epoch ?? 0,
    previousSeconds: checkpoint?.elapsedSeconds ?? 0,
  };
  if (checkpoint) {
    const saved = checkpoint.weights;
    tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(saved[i], v.shape))));
    state.optimizer.setState(checkpoint.optimizer);
  }
  return state;
}

// ── epochs: one function per epoch, a checkpoint after each ─────────────────────────────────

/** What every epoch of this run shares. */
interface EpochLoop {
  source: BatchSource;
  test: TestSet;
  config: FastMlpConfig;
  batchesPerEpoch: number;
  totalSteps: number;
  /** The worker threads, when this run trains on them. */
  pool?: WorkerPool;
}

function prepareEpochs({ opts, backend, trainSet, testSet, workers }: ResolvedRun): EpochLoop {
  const { hp } = opts;
  // wasm and cpu tensors live in host memory, where copying rows beats the backend's gather.
  const onHost = backend.tfjsName === 'wasm' || backend.tfjsName === 'cpu';
  const batchOptions = { maxShift: hp.maxShift, labelSmoothing: hp.labelSmoothing };
  const batchesPerEpoch = Math.min(Math.ceil(trainSet.count / hp.batchSize), opts.maxBatches ?? Infinity);
  return {
    source: onHost ? new HostBatches(trainSet, batchOptions, { shared: workers > 0 }) : new DeviceBatches(trainSet, batchOptions),
    test: new TestSet(testSet),
    config: { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss },
    batchesPerEpoch,
    totalSteps: batchesPerEpoch * hp.epochs,
  };
}

/** Trains one epoch (reshuffled), then evaluates on the test set. */
async function runEpoch(epoch: number, run: ResolvedRun, state: TrainingState, loop: EpochLoop, hooks: TrainHooks): Promise<EpochStats> {
  const epochStart = performance.now();
  const { lossSum, correct: correctSum, samples, lr } = loop.pool
    ? await trainEpochOnPool(loop.pool, epoch, run, state, loop, hooks)
    : await trainEpochHere(epoch, run, state, loop, hooks);
  const seconds = (performance.now() - epochStart) / 1000;
  const trainLoss = lossSum / samples;
  await assertNotDiverged(epoch, trainLoss, state.params, loop.config, run.testSet);
  const evaluation = await loop.test.evaluate(state.params, loop.config);
  return {
    epoch,
    trainLoss,
    trainAccuracy: correctSum / samples,
    testLoss: evaluation.loss,
    testAccuracy: evaluation.correct / loop.test.count,
    testCorrect: evaluation.correct,
    testCount: loop.test.count,
    seconds,
    samplesPerSecond: samples / seconds,
    lr,
  };
}

/** The epoch's steps in this thread, on the selected backend. */
function trainEpochHere(epoch: number, run: ResolvedRun, state: TrainingState, loop: EpochLoop, hooks: TrainHooks): Promise<EpochTotals> {
  return trainEpoch({
    epoch,
    batches: loop.batchesPerEpoch,
    totalSteps: loop.totalSteps,
    hp: run.opts.hp,
    source: loop.source,
    rng: state.rng,
    params: state.params,
    config: loop.config,
    optimizer: state.optimizer,
    logInterval: run.opts.logInterval,
    onBatch: (progress) => hooks.onBatch?.(progress),
  });
}

/** The epoch's steps on the worker threads (bit for bit trainEpochHere's with one worker). */
async function trainEpochOnPool(pool: WorkerPool, epoch: number, run: ResolvedRun, state: TrainingState, loop: EpochLoop, hooks: TrainHooks): Promise<EpochTotals> {
  const { count } = run.trainSet;
  const totals = await trainEpochOnWorkers(pool, {
    epoch,
    hp: run.opts.hp,
    samples: count,
    batchesPerEpoch: loop.batchesPerEpoch,
    totalSteps: loop.totalSteps,
    rng: state.rng,
    logInterval: run.opts.logInterval,
    ...(hooks.onBatch ? { onStep: (b: number, seen: number, loss: number | undefined) => hooks.onBatch?.({ epoch, batch: b + 1, batches: loop.batchesPerEpoch, seen, total: count, loss }) } : {}),
    variables: state.variables,
    optimizer: state.optimizer,
  });
  hooks.onWorkerTimings?.({ epoch, steps: loop.batchesPerEpoch, workers: pool.timings(), backendBytes: pool.backendBytes() });
  return totals;
}

/** Starts the worker threads on the run's backend, from the weights and optimizer state restored. */
async function startWorkers(run: ResolvedRun, state: TrainingState, loop: EpochLoop): Promise<WorkerPool> {
  const { hp } = run.opts;
  const pool = await WorkerPool.start({
    workers: run.workers,
    backend: run.backend.name,
    config: loop.config,
    optimizer: { optimizer: hp.optimizer, momentum: hp.momentum, beta2: hp.beta2, epsilon: hp.epsilon, weightDecay: hp.weightDecay },
    shapes: state.variables.map((v) => v.shape),
    tables: (loop.source as HostBatches).tables,
    batchesPerEpoch: loop.batchesPerEpoch,
  });
  pool.load(await Promise.all(state.variables.map(async (v) => (await v.data()) as Float32Array)), await state.optimizer.getState());
  return pool;
}

/** Weights, optimizer moments and the RNG after `epoch`: what `--resume` continues from. */
async function saveEpochCheckpoint(epoch: number, run: ResolvedRun, state: TrainingState, wallStart: number): Promise<void> {
  await saveCheckpoint(run.opts.checkpointDir, {
    ...run.identity,
    epoch,
    weights: await Promise.all(state.variables.map(async (v) => (await v.data()) as Float32Array)),
    optimizer: await state.optimizer.getState(),
    rngState: state.rng.state,
    history: state.history,
    elapsedSeconds: state.previousSeconds + (performance.now() - wallStart) / 1000,
  });
}

// ── finish: the training record, and the model saved with it ───────────────────────────────

async function finish(run: ResolvedRun, state: TrainingState, wallStart: number): Promise<TrainResult> {
  const { opts, split, trainSet, testSet, identity, checkpoint, backend } = run;
  // epochs ≥ 1, so there is always a last epoch (from this run or the checkpoint's).
  const last = state.history.at(-1)!;
  const record: TrainingRecord = {
    preset: opts.preset,
    hyperparameters: { ...opts.hp },
    dataset: { id: split.id, source: split.source, trainCount: trainSet.count, testCount: testSet.count, files: identity.datasetFiles },
    history: state.history,
    backend: backend.name,
    backendNotes: [...backend.notes, ...(run.workers > 0 ? [`data-parallel: ${run.workers} worker thread${run.workers > 1 ? 's' : ''}, each on ${backend.name}`] : []), ...backend.skipped.map((s) => `skipped ${s.name}: ${s.reason}`)],
    versions: libraryVersions(),
    wallSeconds: state.previousSeconds + (performance.now() - wallStart) / 1000,
    ...(checkpoint ? { resumedFromEpoch: checkpoint.epoch } : {}),
    testAccuracy: last.testAccuracy,
    testCorrect: last.testCorrect,
    testCount: last.testCount,
    finishedAt: new Date().toISOString(),
  };
  const recordPath = join(opts.out, ARTIFACT_FILES.trainingRecord);
  const recordText = serializeArtifact(trainingRecordContract, record, recordPath);
  await saveLayersModel(state.model, opts.out, { extraFiles: { [ARTIFACT_FILES.trainingRecord]: recordText } });
  return { record, model: state.model, modelDir: opts.out, recordPath, checkpointDir: opts.checkpointDir };
}
