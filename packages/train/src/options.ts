import { dirname, join, resolve } from 'node:path';
import { artifactPaths } from '@mnist-onnx/mnist/node';
import { TrainOptionsError } from './errors.js';
import { ACTIVATIONS, FINAL_ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, SCHEDULES, type Hyperparameters } from './hyperparameters.js';
import { presetHyperparameters } from './presets.js';

/** Options of `train()`; the CLI flags map onto them one to one. */
export interface TrainOptions {
  /** `default` (the best recipe found) or `seed` (the seed project exactly). */
  preset?: string;
  /** Values that override the preset's (flags such as `--lr`). */
  overrides?: Partial<Hyperparameters>;
  /** `embedded` (default), `mnist`, or a folder of IDX files. */
  data?: string;
  /** Model folder (default: artifacts/model/tfjs). */
  out?: string;
  /** Checkpoint folder (default: `checkpoints` beside the model folder). */
  checkpointDir?: string;
  /** `auto` (default) or a backend name. */
  backend?: string;
  /** Continue from the checkpoint of the last complete epoch. */
  resume?: boolean;
  /** Train on N samples spread evenly over the training set (quick runs, tests). */
  trainLimit?: number;
  /** Evaluate on N samples spread evenly over the test set. */
  testLimit?: number;
  /** Stop each epoch after N batches (quick runs, tests). */
  maxBatches?: number;
  /** Report the loss every N batches (the seed's log interval, 10). */
  logInterval?: number;
}

export interface ResolvedOptions {
  preset: string;
  hp: Hyperparameters;
  data: string;
  out: string;
  checkpointDir: string;
  backend: string;
  resume: boolean;
  trainLimit: number | null;
  testLimit: number | null;
  maxBatches: number | null;
  logInterval: number;
}

const FLAG_NAMES: Partial<Record<keyof Hyperparameters, string>> = {
  batchSize: '--batch-size', finalActivation: '--final-activation', labelSmoothing: '--label-smoothing',
  weightDecay: '--weight-decay', maxShift: '--max-shift', leakyAlpha: '--leaky-alpha',
};
const flag = (key: string) => FLAG_NAMES[key as keyof Hyperparameters] ?? `--${key}`;

export function resolveOptions(options: TrainOptions): ResolvedOptions {
  const preset = options.preset ?? 'default';
  const defined = Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, v]) => v !== undefined));
  const hp: Hyperparameters = { ...presetHyperparameters(preset), ...defined };
  // `momentum` is also Adam's beta1. When --optimizer switches to one that uses it without
  // saying --momentum, take that optimizer's usual 0.9 rather than the preset's plain-SGD 0.
  if (defined.optimizer !== undefined && defined.momentum === undefined && hp.optimizer !== 'sgd' && hp.momentum === 0) hp.momentum = 0.9;
  validateHyperparameters(hp);
  const out = resolve(options.out ?? artifactPaths.tfjsModel());
  return {
    preset,
    hp,
    data: options.data ?? 'embedded',
    out,
    checkpointDir: resolve(options.checkpointDir ?? (options.out ? join(dirname(out), 'checkpoints') : artifactPaths.checkpoints())),
    backend: options.backend ?? 'auto',
    resume: options.resume ?? false,
    trainLimit: positiveIntOrNull(options.trainLimit, '--train-limit'),
    testLimit: positiveIntOrNull(options.testLimit, '--test-limit'),
    maxBatches: positiveIntOrNull(options.maxBatches, '--max-batches'),
    logInterval: positiveIntOrNull(options.logInterval, '--log-interval') ?? 10,
  };
}

function positiveIntOrNull(value: number | undefined, name: string): number | null {
  if (value === undefined) return null;
  if (!Number.isInteger(value) || value < 1) throw new TrainOptionsError(`${name}: must be a positive integer, got ${value}`);
  return value;
}

function oneOf(key: keyof Hyperparameters, value: unknown, choices: readonly string[]) {
  if (!choices.includes(value as string)) {
    throw new TrainOptionsError(`${flag(key)}: "${value}" is not one of ${choices.join(', ')}`);
  }
}

export function validateHyperparameters(hp: Hyperparameters): void {
  for (const key of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(hp[key]) || hp[key] < 1) throw new TrainOptionsError(`${flag(key)}: must be a positive integer, got ${hp[key]}`);
  }
  if (!Number.isInteger(hp.seed)) throw new TrainOptionsError(`--seed: must be an integer, got ${hp.seed}`);
  if (!Number.isInteger(hp.maxShift) || hp.maxShift < 0 || hp.maxShift > 8) throw new TrainOptionsError(`--max-shift: must be an integer from 0 to 8, got ${hp.maxShift}`);
  if (!(hp.lr > 0 && Number.isFinite(hp.lr))) throw new TrainOptionsError(`--lr: must be a positive number, got ${hp.lr}`);
  for (const key of ['momentum', 'labelSmoothing', 'weightDecay', 'beta2'] as const) {
    if (!(hp[key] >= 0 && hp[key] < 1)) throw new TrainOptionsError(`${flag(key)}: must be in [0, 1), got ${hp[key]}`);
  }
  if (!(hp.leakyAlpha > 0 && hp.leakyAlpha < 1)) throw new TrainOptionsError(`--leaky-alpha: must be in (0, 1), got ${hp.leakyAlpha}`);
  oneOf('optimizer', hp.optimizer, OPTIMIZERS);
  oneOf('loss', hp.loss, LOSSES);
  oneOf('activation', hp.activation, ACTIVATIONS);
  oneOf('finalActivation', hp.finalActivation, FINAL_ACTIVATIONS);
  oneOf('init', hp.init, INITS);
  oneOf('schedule', hp.schedule, SCHEDULES);
}
