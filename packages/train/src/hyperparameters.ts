export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw'] as const;
export const LOSSES = ['cross-entropy', 'mse'] as const;
export const ACTIVATIONS = ['relu', 'leaky-relu', 'selu', 'softplus'] as const;
export const FINAL_ACTIVATIONS = ['none', 'relu'] as const;
export const INITS = ['kaiming-normal', 'glorot-uniform'] as const;
export const SCHEDULES = ['constant', 'one-cycle'] as const;

export type OptimizerName = (typeof OPTIMIZERS)[number];
export type LossName = (typeof LOSSES)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type FinalActivation = (typeof FINAL_ACTIVATIONS)[number];
export type InitName = (typeof INITS)[number];
export type ScheduleName = (typeof SCHEDULES)[number];

/** Everything that decides what a run computes. Saved in the training record and checkpoints. */
export interface Hyperparameters {
  epochs: number;
  batchSize: number;
  /** Learning rate; for `one-cycle` the peak. */
  lr: number;
  optimizer: OptimizerName;
  /** Momentum for `momentum`; β1 for adam/adamw. */
  momentum: number;
  /** β2 for adam/adamw. */
  beta2: number;
  /** ε for adam/adamw (PyTorch's default 1e-8). */
  epsilon: number;
  /** Decoupled weight decay (adamw only). */
  weightDecay: number;
  loss: LossName;
  /** Target smoothing: the true class gets 1 − s + s/10, the others s/10. */
  labelSmoothing: number;
  activation: ActivationName;
  /** Negative slope of leaky-relu (PyTorch's default 0.01). */
  leakyAlpha: number;
  finalActivation: FinalActivation;
  init: InitName;
  seed: number;
  schedule: ScheduleName;
  /** Random translation of each training image by up to ±N pixels (0 = none). */
  maxShift: number;
  /** Hidden layer widths (the seed's MLP: 200, 200). */
  hiddenUnits: number[];
  inputUnits: number;
  outputUnits: number;
}
