import { TrainOptionsError } from './errors.js';
import type { Hyperparameters } from './hyperparameters.js';

const architecture = { hiddenUnits: [200, 200], inputUnits: 784, outputUnits: 10 };

/**
 * The seed project, exactly: ReLU after every layer including the logits, Kaiming-normal
 * weights and zero biases, plain SGD at 0.01, batch 200, 10 epochs, softmax cross-entropy.
 */
const seed: Hyperparameters = {
  ...architecture,
  epochs: 10,
  batchSize: 200,
  lr: 0.01,
  optimizer: 'sgd',
  momentum: 0,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  loss: 'cross-entropy',
  labelSmoothing: 0,
  activation: 'relu',
  leakyAlpha: 0.01,
  finalActivation: 'relu',
  init: 'kaiming-normal',
  seed: 1,
  schedule: 'constant',
  maxShift: 0,
};

/**
 * The best 10-epoch recipe found for the same network (bench/NOTES.md has what each part
 * gained): logits without ReLU, AdamW with a one-cycle learning rate, batch 50, ±1 px random
 * shifts and label smoothing 0.1.
 */
const defaults: Hyperparameters = {
  ...seed,
  batchSize: 50,
  lr: 2e-3,
  optimizer: 'adamw',
  momentum: 0.9,
  weightDecay: 0.01,
  labelSmoothing: 0.1,
  finalActivation: 'none',
  schedule: 'one-cycle',
  maxShift: 1,
};

export const PRESETS = { seed, default: defaults } as const;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function presetHyperparameters(name: string): Hyperparameters {
  if (!Object.hasOwn(PRESETS, name)) throw new TrainOptionsError(`--preset: unknown preset "${name}". Should be one of: ${PRESET_NAMES.join(', ')}`);
  const preset = PRESETS[name as PresetName];
  return { ...preset, hiddenUnits: [...preset.hiddenUnits] };
}
