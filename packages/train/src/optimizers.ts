import * as tf from '@tensorflow/tfjs';
import type { Hyperparameters, OptimizerName } from './hyperparameters.js';

/** An optimizer's complete state: enough to continue bit for bit after a resume. */
export interface OptimizerState {
  name: OptimizerName;
  /** Updates applied so far (Adam's bias correction depends on it). */
  step: number;
  /** Per-parameter slots (`momentum`, `m`, `v`), each in parameter order. */
  slots: Record<string, Float32Array[]>;
}

/** The per-parameter state slots each optimizer keeps. */
export function optimizerSlots(name: OptimizerName): string[] {
  if (name === 'momentum') return ['momentum'];
  if (name === 'adam' || name === 'adamw') return ['m', 'v'];
  return [];
}

/**
 * The update rules, written as PyTorch writes them, over the model's variables. tfjs's own
 * optimizers are not used because their saved state does not resume exactly (Adam rebuilds
 * β^t by `pow` where training multiplied it step by step) and they have no AdamW.
 * test/optimizers.test.ts compares sgd, momentum and adam with tfjs's on the same gradients.
 */
export class TrainOptimizer {
  readonly name: OptimizerName;
  private step = 0;
  private readonly slots: Record<string, tf.Variable[]> = {};

  constructor(private readonly hp: Pick<Hyperparameters, 'optimizer' | 'momentum' | 'beta2' | 'epsilon' | 'weightDecay'>, private readonly params: tf.Variable[]) {
    this.name = hp.optimizer;
    // tf.variable copies its initial value: the zeros tensor itself is freed at once (tidy), or every run leaks one per slot.
    for (const slot of optimizerSlots(this.name)) this.slots[slot] = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** A slot's variables, in parameter order, for a caller that reads them synchronously. */
  slotVariables(slot: string): readonly tf.Variable[] {
    return this.slots[slot] ?? [];
  }

  /** Applies one update with learning rate `lr`. Gradients stay owned by the caller. */
  apply(grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const { hp, params, slots } = this;
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        switch (this.name) {
          case 'sgd':
            p.assign(tf.sub(p, tf.mul(g, lr)));
            break;
          case 'momentum': {
            const buf = slots.momentum[i];
            buf.assign(tf.add(tf.mul(buf, hp.momentum), g));
            p.assign(tf.sub(p, tf.mul(buf, lr)));
            break;
          }
          case 'adam':
          case 'adamw': {
            const [m, v] = [slots.m[i], slots.v[i]];
            const beta1 = hp.momentum;
            if (this.name === 'adamw' && hp.weightDecay > 0) p.assign(tf.mul(p, 1 - lr * hp.weightDecay));
            m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
            v.assign(tf.add(tf.mul(v, hp.beta2), tf.mul(tf.square(g), 1 - hp.beta2)));
            const correction1 = 1 - beta1 ** this.step;
            const correction2 = 1 - hp.beta2 ** this.step;
            const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), hp.epsilon);
            p.assign(tf.sub(p, tf.mul(tf.div(m, denominator), lr / correction1)));
            break;
          }
        }
      });
    });
  }

  async getState(): Promise<OptimizerState> {
    const slots: Record<string, Float32Array[]> = {};
    for (const [slot, vars] of Object.entries(this.slots)) {
      slots[slot] = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
    }
    return { name: this.name, step: this.step, slots };
  }

  setState(state: OptimizerState): void {
    this.step = state.step;
    for (const [slot, vars] of Object.entries(this.slots)) {
      if (state.slots[slot]?.length !== vars.length) throw new RangeError(`optimizer state has no '${slot}' slot for ${vars.length} parameters`);
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(state.slots[slot][i], v.shape))));
    }
  }

  dispose(): void {
    Object.values(this.slots).flat().forEach((v) => v.dispose());
  }
}
