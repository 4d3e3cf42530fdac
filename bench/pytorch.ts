import type { Hyperparameters } from '@mnist-onnx/train';
import { BenchError } from './errors.js';
import type { Measurement } from './figures.js';
import { PYTORCH_REFERENCE, runPythonJson, type TorchEnv } from './python.js';

/** The hyperparameters that decide how much work a training step is. */
export type SpeedHyperparameters = Pick<Hyperparameters,
  'batchSize' | 'optimizer' | 'lr' | 'momentum' | 'beta2' | 'epsilon' | 'weightDecay' | 'labelSmoothing' |
  'schedule' | 'maxShift' | 'finalActivation' | 'activation' | 'loss' | 'hiddenUnits' | 'seed'>;

interface TrainResult {
  samplesPerSecond: number;
  seconds: number;
  samples: number;
  lossFirstEpoch: number;
  lossLastEpoch: number;
  testAccuracy: number;
  threads: number;
  env: TorchEnv;
}

interface InferResult {
  batches: { batchSize: number | 'all'; imagesPerSecond: number; passes: number; seconds: number }[];
  images: number;
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
  lossLastEpoch: number;
  testAccuracy: number;
  env: TorchEnv;
}

/** One PyTorch training measurement: a warm-up, then whole epochs for at least `seconds`. */
export async function measurePytorchTraining(python: string, dataDir: string, hp: SpeedHyperparameters, threads: number, seconds: number): Promise<PytorchTraining> {
  const args = [dataDir, '--mode', 'train', '--threads', String(threads), '--epochs', '1', '--min-seconds', String(seconds), ...pytorchTrainingArgs(hp)];
  const r = await runPythonJson<TrainResult>(python, PYTORCH_REFERENCE, args);
  return { perSecond: r.samplesPerSecond, seconds: r.seconds, samples: r.samples, lossLastEpoch: r.lossLastEpoch, testAccuracy: r.testAccuracy, env: r.env };
}

/** PyTorch eval on the test set at each batch size ('all' = one batch of the whole set). */
export async function measurePytorchInference(python: string, dataDir: string, batches: (number | 'all')[], threads: number, seconds: number): Promise<Map<string, Measurement>> {
  const args = [dataDir, '--mode', 'infer', '--threads', String(threads), '--min-seconds', String(seconds), '--infer-batches', batches.join(',')];
  const r = await runPythonJson<InferResult>(python, PYTORCH_REFERENCE, args);
  return new Map(r.batches.map((b) => [String(b.batchSize), { perSecond: b.imagesPerSecond, seconds: b.seconds, samples: b.passes * r.images }]));
}
