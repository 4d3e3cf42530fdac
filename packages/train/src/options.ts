import { resolve } from 'node:path';
import { artifactPaths, flagName, type FlagTable } from '@mnist-onnx/mnist/node';
import { BACKEND_CHOICES } from './backends/registry.js';
import { defaultCheckpointDir } from './checkpoint.js';
import { TrainOptionsError } from './errors.js';
import { ACTIVATIONS, FINAL_ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, SCHEDULES, type Hyperparameters } from './hyperparameters.js';
import { PRESET_NAMES, presetHyperparameters } from './presets.js';
import { checkWorkerRequest, parseWorkerFlag, type WorkerRequest } from './workers/worker-count.js';

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
  /** Checkpoint folder (default: `<out>-checkpoints`, beside the model folder). */
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
  /** Data-parallel worker threads (wasm and cpu), or `auto` (default): as many as help, up to the cores. 0: the main thread alone. */
  workers?: WorkerRequest;
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
  workers: WorkerRequest;
}

/** The flag of each hyperparameter; the architecture and Adam's β2/ε have none on purpose. */
export const HYPERPARAMETER_FLAGS: FlagTable<Hyperparameters> = {
  epochs: { type: 'number', describe: 'Epochs (preset: 10)' },
  batchSize: { type: 'number', describe: 'Batch size' },
  lr: { type: 'number', describe: 'Learning rate (peak for one-cycle)' },
  optimizer: { type: 'string', choices: OPTIMIZERS, describe: 'Optimizer' },
  momentum: { type: 'number', describe: 'Momentum, or Adam beta1' },
  weightDecay: { type: 'number', describe: 'Decoupled weight decay (adamw)' },
  schedule: { type: 'string', choices: SCHEDULES, describe: 'Learning-rate schedule' },
  loss: { type: 'string', choices: LOSSES, describe: 'Loss on the outputs' },
  labelSmoothing: { type: 'number', describe: 'Label smoothing (0 = none)' },
  activation: { type: 'string', choices: ACTIVATIONS, describe: 'Hidden-layer activation' },
  leakyAlpha: { type: 'number', describe: 'Negative slope of leaky-relu' },
  finalActivation: { type: 'string', choices: FINAL_ACTIVATIONS, describe: 'Activation on the logits (the seed: relu)' },
  init: { type: 'string', choices: INITS, describe: 'Weight initialisation' },
  maxShift: { type: 'number', describe: 'Random shift augmentation, ±pixels (0 = none)' },
  seed: { type: 'number', describe: 'Seed for weights, shuffling and augmentation' },
  beta2: null,
  epsilon: null,
  hiddenUnits: null,
  inputUnits: null,
  outputUnits: null,
};

/** `pnpm train`'s command line: train()'s options, plus how to print. */
export interface TrainCliOptions extends TrainOptions {
  /** One JSON object per epoch on stdout, nothing else (other lines go to stderr). */
  json?: boolean;
}

/** Every flag of `pnpm train`, in --help order. */
export const TRAIN_FLAGS: FlagTable<TrainCliOptions> = {
  preset: { type: 'string', choices: PRESET_NAMES, default: 'default', describe: 'default: best recipe found; seed: the seed project exactly' },
  overrides: { group: HYPERPARAMETER_FLAGS },
  data: { type: 'string', default: 'embedded', describe: 'embedded | mnist | DIR with the four IDX files' },
  out: { type: 'string', describe: 'Model folder (default: artifacts/model/tfjs)' },
  checkpointDir: { type: 'string', describe: 'Checkpoint folder (default: <out>-checkpoints, beside the model folder)' },
  backend: { type: 'string', choices: BACKEND_CHOICES, default: 'auto', describe: 'auto takes the first that starts: tensorflow-gpu, webgpu (not software), tensorflow, wasm, cpu' },
  resume: { type: 'boolean', default: false, describe: 'Continue from the last complete epoch' },
  json: { type: 'boolean', default: false, describe: 'Print one JSON object per epoch on stdout, nothing else' },
  trainLimit: { type: 'number', describe: 'Train on N samples spread evenly over the training set' },
  testLimit: { type: 'number', describe: 'Evaluate on N samples spread evenly over the test set' },
  maxBatches: { type: 'number', describe: 'Stop each epoch after N batches' },
  logInterval: { type: 'number', default: 10, describe: 'Print the loss every N batches' },
  workers: { type: 'string', parse: (raw) => parseWorkerFlag(raw, runFlag('workers')), describe: 'Worker threads training each batch in parallel (wasm, cpu): N or auto (as many as help, up to the cores; never for GPU backends)' },
};

const flag = (key: keyof Hyperparameters) => flagName(HYPERPARAMETER_FLAGS, key);
const runFlag = (key: keyof TrainCliOptions & string) => flagName(TRAIN_FLAGS, key);

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
    checkpointDir: resolve(options.checkpointDir ?? defaultCheckpointDir(out)),
    backend: options.backend ?? 'auto',
    resume: options.resume ?? false,
    trainLimit: positiveIntOrNull(options.trainLimit, runFlag('trainLimit')),
    testLimit: positiveIntOrNull(options.testLimit, runFlag('testLimit')),
    maxBatches: positiveIntOrNull(options.maxBatches, runFlag('maxBatches')),
    logInterval: positiveIntOrNull(options.logInterval, runFlag('logInterval')) ?? 10,
    workers: checkWorkerRequest(options.workers ?? 'auto', runFlag('workers')),
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
  if (!Number.isInteger(hp.seed)) throw new TrainOptionsError(`${flag('seed')}: must be an integer, got ${hp.seed}`);
  if (!Number.isInteger(hp.maxShift) || hp.maxShift < 0 || hp.maxShift > 8) throw new TrainOptionsError(`${flag('maxShift')}: must be an integer from 0 to 8, got ${hp.maxShift}`);
  if (!(hp.lr > 0 && Number.isFinite(hp.lr))) throw new TrainOptionsError(`${flag('lr')}: must be a positive number, got ${hp.lr}`);
  for (const key of ['momentum', 'labelSmoothing', 'weightDecay', 'beta2'] as const) {
    if (!(hp[key] >= 0 && hp[key] < 1)) throw new TrainOptionsError(`${flag(key)}: must be in [0, 1), got ${hp[key]}`);
  }
  if (!(hp.leakyAlpha > 0 && hp.leakyAlpha < 1)) throw new TrainOptionsError(`${flag('leakyAlpha')}: must be in (0, 1), got ${hp.leakyAlpha}`);
  oneOf('optimizer', hp.optimizer, OPTIMIZERS);
  oneOf('loss', hp.loss, LOSSES);
  oneOf('activation', hp.activation, ACTIVATIONS);
  oneOf('finalActivation', hp.finalActivation, FINAL_ACTIVATIONS);
  oneOf('init', hp.init, INITS);
  oneOf('schedule', hp.schedule, SCHEDULES);
}
