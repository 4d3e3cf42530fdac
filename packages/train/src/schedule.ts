import type { Hyperparameters } from './hyperparameters.js';

/** One-cycle's shape, as PyTorch's `OneCycleLR` defaults: 30% warm-up, cosine both ways. */
const WARMUP_FRACTION = 0.3;
const START_DIVISOR = 25;
const END_DIVISOR = 25 * 1e4;

const cosine = (from: number, to: number, fraction: number) => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * fraction));

/**
 * The learning rate of update `step` (0-based) out of `totalSteps`. `one-cycle` rises from
 * lr/25 to lr over the first 30% of the run, then falls to lr/250000 (Smith & Topin 2017).
 * Computed on the host in float64 from the step number alone, so a resumed run continues
 * on exactly the same curve.
 */
export function learningRateAt(hp: Pick<Hyperparameters, 'lr' | 'schedule'>, step: number, totalSteps: number): number {
  if (hp.schedule === 'constant') return hp.lr;
  const warmup = Math.max(1, Math.round(WARMUP_FRACTION * totalSteps));
  if (step < warmup) return cosine(hp.lr / START_DIVISOR, hp.lr, step / warmup);
  const decay = Math.max(1, totalSteps - 1 - warmup);
  return cosine(hp.lr, hp.lr / END_DIVISOR, Math.min(1, (step - warmup) / decay));
}
