import * as tf from '@tensorflow/tfjs';
import { createRng, type Dataset } from '@mnist-onnx/mnist';
import {
  buildModel, denseParams, DeviceBatches, DivergenceError, flatParams, HostBatches, layerActivations, TestSet, trainEpoch, TrainOptimizer,
  type BatchSource, type DenseParams, type FastMlpConfig, type Hyperparameters,
} from '@mnist-onnx/train/browser';
import { TimeSlicer } from './yield-to-page.js';

/** Where a run is, after each step. */
export interface StepProgress {
  epoch: number;
  epochs: number;
  /** 1-based batch within the epoch. */
  batch: number;
  batches: number;
  /** Steps since the start of the run. */
  step: number;
  /** Samples per second over this epoch so far (the page's share of time included). */
  samplesPerSecond: number;
  /** The step's loss, read back every LOSS_INTERVAL steps (a read-back waits for the backend). */
  loss?: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  testCorrect: number;
  testCount: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface PageTrainingRun {
  hp: Hyperparameters;
  train: Dataset;
  test: Dataset;
  backend: string;
  /** At most this many batches per epoch (null: the whole split). */
  maxBatches: number | null;
  /** Start from these weights (kernel₁, bias₁, …) instead of fresh ones: fine-tuning. */
  initialWeights?: Float32Array[];
  /** Called once the model holds its starting weights, before the first step (fine-tuning measures here). */
  beforeTraining?(params: DenseParams[], config: FastMlpConfig): Promise<void>;
  onStep?(progress: StepProgress): void;
  onEpoch?(result: EpochResult): void;
  /** Checked after every step; true ends the run at once. */
  shouldStop(): boolean;
}

export interface TrainedModel {
  model: tf.LayersModel;
  /** The weights (kernel₁, bias₁, …) as variables of `model`. */
  variables: tf.Variable[];
  params: DenseParams[];
  config: FastMlpConfig;
  history: EpochResult[];
  /** True when the user stopped it before the last epoch ended. */
  stopped: boolean;
  steps: number;
}

const LOSS_INTERVAL = 10;

/**
 * `pnpm train`'s run in the page: the same model, hand-written gradients, optimizer and epoch
 * loop (trainEpoch: schedule, shuffling, batches), from @mnist-onnx/train/browser. What differs
 * is the page's: no checkpoints or files, a yield to the page every ~25 ms of work so drawing
 * and predicting stay live, a stop flag checked between batches, and the loss checked as it is
 * read back, so a diverging run ends at once instead of at the epoch's end.
 */
export async function trainInPage(run: PageTrainingRun): Promise<TrainedModel> {
  const { hp, train, test } = run;
  const model = buildModel(hp);
  const variables = flatParams(model);
  if (run.initialWeights) tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(run.initialWeights![i], v.shape))));
  const params = denseParams(model);
  const optimizer = new TrainOptimizer(hp, variables);
  const config: FastMlpConfig = { activations: layerActivations(hp), leakyAlpha: hp.leakyAlpha, loss: hp.loss };
  const batchOptions = { maxShift: hp.maxShift, labelSmoothing: hp.labelSmoothing };
  // wasm tensors live in host memory, where copying rows beats the backend's gather (train.ts).
  const source: BatchSource = run.backend === 'wasm' || run.backend === 'cpu' ? new HostBatches(train, batchOptions) : new DeviceBatches(train, batchOptions);
  const testSet = new TestSet(test);
  const rng = createRng(hp.seed);
  const batches = Math.min(Math.ceil(train.count / hp.batchSize), run.maxBatches ?? Infinity);
  const totalSteps = batches * hp.epochs;
  const slicer = new TimeSlicer();
  const history: EpochResult[] = [];
  let step = 0;
  let stopped = false;
  try {
    await run.beforeTraining?.(params, config);
    for (let epoch = 1; epoch <= hp.epochs && !stopped; epoch++) {
      const started = performance.now();
      const stepsBefore = step;
      const totals = await trainEpoch({
        epoch, batches, totalSteps, hp, source, rng, params, config, optimizer,
        logInterval: LOSS_INTERVAL,
        logLastBatch: true,
        onBatch: ({ batch, seen, total, loss }) => {
          if (loss !== undefined && !Number.isFinite(loss)) {
            throw new DivergenceError(`training diverged in epoch ${epoch}, batch ${batch}: the loss is ${loss} (try a lower learning rate)`);
          }
          // Every batch before the epoch's last is full, so this is the samples trained so far.
          const trained = Math.min(seen + hp.batchSize, total);
          run.onStep?.({ epoch, epochs: hp.epochs, batch, batches, step: stepsBefore + batch, samplesPerSecond: trained / ((performance.now() - started) / 1000), loss });
        },
        yieldBetweenBatches: () => slicer.maybeYield(),
        stop: () => run.shouldStop(),
      });
      step += totals.steps;
      stopped = totals.stopped;
      if (stopped) break;
      const { lossSum, correct: correctSum, samples } = totals;
      const seconds = (performance.now() - started) / 1000;
      const evaluation = await testSet.evaluate(params, config);
      const result: EpochResult = {
        epoch,
        trainLoss: lossSum / samples,
        trainAccuracy: correctSum / samples,
        testLoss: evaluation.loss,
        testAccuracy: evaluation.correct / testSet.count,
        testCorrect: evaluation.correct,
        testCount: testSet.count,
        seconds,
        samplesPerSecond: samples / seconds,
      };
      history.push(result);
      run.onEpoch?.(result);
      await slicer.maybeYield();
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    source.dispose();
    testSet.dispose();
    optimizer.dispose();
  }
  return { model, variables, params, config, history, stopped, steps: step };
}
