import { presetHyperparameters, type Hyperparameters } from '@mnist-onnx/train';

export interface Recipe {
  name: string;
  /** The train preset it starts from, and what it changes there. */
  preset: string;
  overrides: Partial<Hyperparameters>;
  hp: Hyperparameters;
  description: string;
}

/**
 * The comparison: Adam at 1e-3 with batch 200, nothing else (no shifts, smoothing or
 * schedule), the figure PyTorch + OpenBLAS reaches ~84,000 samples/s with on this machine type.
 */
const REFERENCE: Partial<Hyperparameters> = {
  batchSize: 200, lr: 1e-3, optimizer: 'adam', momentum: 0.9, weightDecay: 0,
  labelSmoothing: 0, schedule: 'constant', maxShift: 0, finalActivation: 'none',
};

function describe(hp: Hyperparameters): string {
  const parts = [`${hp.optimizer} lr ${hp.lr}`, `batch ${hp.batchSize}`];
  if (hp.schedule !== 'constant') parts.push(hp.schedule);
  if (hp.weightDecay > 0) parts.push(`weight decay ${hp.weightDecay}`);
  if (hp.maxShift > 0) parts.push(`±${hp.maxShift} px shifts`);
  if (hp.labelSmoothing > 0) parts.push(`label smoothing ${hp.labelSmoothing}`);
  if (hp.finalActivation === 'relu') parts.push('ReLU on logits');
  return parts.join(', ');
}

export function recipe(name: string): Recipe {
  const preset = name === 'reference' ? 'default' : name;
  const overrides = name === 'reference' ? REFERENCE : {};
  const hp = { ...presetHyperparameters(preset), ...overrides };
  const label = name === 'reference' ? 'reference' : `preset ${name}`;
  return { name, preset, overrides, hp, description: `${label}: ${describe(hp)}` };
}
