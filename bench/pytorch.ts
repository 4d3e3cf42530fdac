import type { Hyperparameters } from '@mnist-onnx/train';
import { BenchError } from './errors.js';
import type { Measurement } from './figures.js';
import { PYTORCH_REFERENCE, runPythonJson, type PythonRunner, type TorchEnv } from './python.js';

/** Runs the reference on the OpenBLAS kernel the bench chose, and checks that it did. */
export interface ReferenceRunner extends PythonRunner {
  /** openblas_get_corename() expected in every run; null when torch does not run on OpenBLAS. */
  core: string | null;
}

/** A figure taken on another kernel than the one chosen (and printed) would be a false reference. */
function checkKernel(runner: ReferenceRunner, env: TorchEnv): void {
  const core = env.openblasCore ?? null;
  if (core !== runner.core) {
    throw new BenchError(`the PyTorch reference ran on OpenBLAS kernel ${core ?? '(none)'}, not on the chosen ${runner.core ?? '(none)'}`);
  }
}

/** The hyperparameters that decide how much work a training step is. */
export type SpeedHyperparameters = Pick<Hyperparameters,
  'batchSize' | 'optimizer' | 'lr' | 'momentum' | 'beta2' | 'epsilon' | 'weightDecay' | 'labelSmoothing' |
  'schedule' | 'maxShift' | 'finalActivation' | 'activation' | 'loss' | 'hiddenUnits' | 'seed'>;

/** Seconds each reference process spends on one more sample of the matmul peak, after its measurement. */
export const PEAK_SAMPLE_SECONDS = 0.3;

interface TrainRun {
  threads: number;
  samplesPerSecond: number;
  matmulGflops: number;
  seconds: number;
  samples: number;
  lossFirstEpoch: number;
  lossLastEpoch: number;
  testAccuracy: number;
}

interface InferRun {
  threads: number;
  batches: { batchSize: number | 'all'; imagesPerSecond: number; passes: number; seconds: number }[];
  images: number;
  matmulGflops: number;
}

/** What the reference prints: one run per thread count, in the order asked. */
interface ReferenceResult<Run> {
  runs: Run[];
  env: TorchEnv;
}

/** The reference script's flags for the same training recipe; refuses what it cannot mirror. */
export function pytorchTrainingArgs(hp: SpeedHyperparameters): string[] {
  if (hp.activation !== 'relu' || hp.loss !== 'cross-entropy' || hp.hiddenUnits.join(',') !== '200,200') {
    throw new BenchError(`the PyTorch reference mirrors only the 784-200-200-10 ReLU MLP with cross-entropy (got ${hp.hiddenUnits.join('-')} ${hp.activation} ${hp.loss})`);
  }
  return [
    '--batch-size', String(hp.batchSize),
    '--optimizer', hp.optimizer,
    '--lr', String(hp.lr),
    '--beta1', String(hp.momentum),
    '--beta2', String(hp.beta2),
    '--epsilon', String(hp.epsilon),
    '--weight-decay', String(hp.weightDecay),
    '--label-smoothing', String(hp.labelSmoothing),
    '--schedule', hp.schedule,
    '--max-shift', String(hp.maxShift),
    '--seed', String(hp.seed),
    ...(hp.finalActivation === 'relu' ? ['--final-relu'] : []),
  ];
}

export interface PytorchTraining extends Measurement {
  threads: number;
  /** The matmul peak sample this run took at its thread count. */
  matmulGflops: number;
  lossLastEpoch: number;
  testAccuracy: number;
}

/**
 * PyTorch training at each thread count in turn, in one process (a fresh model and optimizer
 * for each): a warm-up, then whole epochs for at least `seconds`.
 */
export async function measurePytorchTraining(runner: ReferenceRunner, dataDir: string, hp: SpeedHyperparameters, threads: number[], seconds: number): Promise<PytorchTraining[]> {
  const args = [dataDir, '--mode', 'train', '--threads', threads.join(','), '--epochs', '1', '--min-seconds', String(seconds), '--peak-seconds', String(PEAK_SAMPLE_SECONDS), ...pytorchTrainingArgs(hp)];
  const r = await runPythonJson<ReferenceResult<TrainRun>>(runner, PYTORCH_REFERENCE, args);
  checkKernel(runner, r.env);
  return r.runs.map((run) => ({
    threads: run.threads, perSecond: run.samplesPerSecond, seconds: run.seconds, samples: run.samples,
    matmulGflops: run.matmulGflops, lossLastEpoch: run.lossLastEpoch, testAccuracy: run.testAccuracy,
  }));
}

export interface PytorchInference {
  threads: number;
  /** Batch size ('all' = one batch of the whole test set) → images/s. */
  figures: Map<string, Measurement>;
  matmulGflops: number;
}

/** PyTorch eval on the test set at each thread count in turn, in one process, at each batch size. */
export async function measurePytorchInference(runner: ReferenceRunner, dataDir: string, batches: (number | 'all')[], threads: number[], seconds: number): Promise<PytorchInference[]> {
  const args = [dataDir, '--mode', 'infer', '--threads', threads.join(','), '--min-seconds', String(seconds), '--infer-batches', batches.join(','), '--peak-seconds', String(PEAK_SAMPLE_SECONDS)];
  const r = await runPythonJson<ReferenceResult<InferRun>>(runner, PYTORCH_REFERENCE, args);
  checkKernel(runner, r.env);
  return r.runs.map((run) => ({
    threads: run.threads,
    figures: new Map(run.batches.map((b) => [String(b.batchSize), { perSecond: b.imagesPerSecond, seconds: b.seconds, samples: b.passes * run.images }])),
    matmulGflops: run.matmulGflops,
  }));
}
