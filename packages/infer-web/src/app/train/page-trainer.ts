import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace, type Dataset } from '@mnist-onnx/mnist';
import {
  buildModel, denseParams, DeviceBatches, DivergenceError, flatParams, HostBatches, layerActivations, learningRateAt, lossAndGradients, TestSet, TrainOptimizer,
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
 * The epoch loop of `pnpm train` (packages/train/src/train.ts, trainEpochHere), in the page:
 * the same model, hand-written gradients, optimizer, schedule, shuffling and batches, from
 * @mnist-onnx/train/browser. What differs is the page's: no checkpoints or files, a yield to
 * the page every ~25 ms of work so drawing and predicting stay live, a stop flag, and the loss
 * checked as it is read back, so a diverging run ends at once instead of at the epoch's end.
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
      const order = shuffleInPlace(Int32Array.from({ length: train.count }, (_, i) => i), rng);
      let lossTotal: tf.Scalar = tf.scalar(0);
      let correctTotal: tf.Scalar = tf.scalar(0);
      let samples = 0;
      for (let b = 0; b < batches; b++) {
        const indices = order.subarray(b * hp.batchSize, Math.min((b + 1) * hp.batchSize, train.count));
        const lr = learningRateAt(hp, step, totalSteps);
        const [loss, correct] = tf.tidy(() => {
          const batch = source.batch(indices, rng);
          const result = lossAndGradients(params, config, batch.x, batch.targets);
          optimizer.apply(result.grads, lr);
          const hits = tf.sum(tf.cast(tf.equal(tf.argMax(result.outputs, 1), batch.labels), 'float32'));
          return [tf.mul(result.loss, indices.length) as tf.Scalar, hits as tf.Scalar];
        });
        const [nextLoss, nextCorrect] = [tf.add(lossTotal, loss) as tf.Scalar, tf.add(correctTotal, correct) as tf.Scalar];
        tf.dispose([lossTotal, correctTotal, correct]);
        [lossTotal, correctTotal] = [nextLoss, nextCorrect];
        samples += indices.length;
        step++;
        const logged = b % LOSS_INTERVAL === 0 || b === batches - 1 ? (await loss.data())[0] / indices.length : undefined;
        loss.dispose();
        if (logged !== undefined && !Number.isFinite(logged)) {
          throw new DivergenceError(`training diverged in epoch ${epoch}, batch ${b + 1}: the loss is ${logged} (try a lower learning rate)`);
        }
        run.onStep?.({ epoch, epochs: hp.epochs, batch: b + 1, batches, step, samplesPerSecond: samples / ((performance.now() - started) / 1000), loss: logged });
        await slicer.maybeYield();
        if (run.shouldStop()) {
          stopped = true;
          break;
        }
      }
      const [lossSum, correctSum] = [(await lossTotal.data())[0], (await correctTotal.data())[0]];
      tf.dispose([lossTotal, correctTotal]);
      if (stopped) break;
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
