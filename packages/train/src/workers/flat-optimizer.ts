import type { Hyperparameters, OptimizerName } from '../hyperparameters.js';

type OptimizerHyperparameters = Pick<Hyperparameters, 'optimizer' | 'momentum' | 'beta2' | 'epsilon' | 'weightDecay'>;

const f32 = Math.fround;

/** The per-parameter state slots each optimizer keeps (as TrainOptimizer names them). */
export function optimizerSlots(name: OptimizerName): string[] {
  if (name === 'momentum') return ['momentum'];
  if (name === 'adam' || name === 'adamw') return ['m', 'v'];
  return [];
}

/** The flat vectors one update reads and writes: parameters, optimizer slots, and the shards' gradients. */
export interface FlatUpdateTarget {
  weights: Float32Array;
  slots: Record<string, Float32Array>;
  /** Each contributing shard's gradient, summed in this order (the order fixes the rounding). */
  gradients: Float32Array[];
}

/**
 * TrainOptimizer's update rules over one slice of the flattened parameters, on the host.
 * Each data-parallel worker updates its own slice, so the optimizer step is split across the
 * workers instead of repeated by each. It reproduces TrainOptimizer bit for bit: the wasm and
 * cpu backends round every elementwise op to float32 (IEEE, no fused multiply-add), which is
 * what `Math.fround` after each double-precision op gives (+ − × ÷ √ of two floats are exact
 * in double, so rounding once more to float32 equals the float32 op). Scalars are rounded to
 * float32 as tfjs does when it makes them tensors. test/flat-optimizer.test.ts holds it to that.
 */
export class FlatOptimizer {
  /** The summed gradient of the slice being updated (reused between updates). */
  private sum = new Float32Array(0);

  constructor(private readonly hp: OptimizerHyperparameters) {}

  /**
   * Sums the gradients over [from, to) in order and applies update number `step` (1-based,
   * Adam's bias correction depends on it) with learning rate `lr`.
   */
  apply(target: FlatUpdateTarget, from: number, to: number, lr: number, step: number): void {
    const g = this.summed(target.gradients, from, to);
    const { hp } = this;
    const n = to - from;
    // The update runs on private copies of the slice, written back at the end: V8's optimised
    // loops index typed arrays over a SharedArrayBuffer about half as fast (Adam over 100k
    // parameters: 3.9 ms shared, 2.0 ms private), and the two copies cost ~0.1 ms.
    const p = this.staged('weights', target.weights, from, to);
    const slot = (name: string) => this.staged(name, target.slots[name], from, to);
    const lr32 = f32(lr);
    switch (hp.optimizer) {
      case 'sgd':
        for (let i = 0; i < n; i++) p[i] = f32(p[i] - f32(g[i] * lr32));
        break;
      case 'momentum': {
        const buf = slot('momentum');
        const mu = f32(hp.momentum);
        for (let i = 0; i < n; i++) {
          const b = f32(f32(buf[i] * mu) + g[i]);
          buf[i] = b;
          p[i] = f32(p[i] - f32(b * lr32));
        }
        break;
      }
      case 'adam':
      case 'adamw': {
        const [m, v] = [slot('m'), slot('v')];
        const beta1 = hp.momentum;
        const decay = hp.optimizer === 'adamw' && hp.weightDecay > 0 ? f32(1 - lr * hp.weightDecay) : 1;
        const [b1, c1] = [f32(beta1), f32(1 - beta1)];
        const [b2, c2] = [f32(hp.beta2), f32(1 - hp.beta2)];
        const sqrtCorrection2 = f32(Math.sqrt(1 - hp.beta2 ** step));
        const stepSize = f32(lr / (1 - beta1 ** step));
        const eps = f32(hp.epsilon);
        // Multiplying by exactly 1 changes no float32, so plain Adam takes the same loop.
        for (let i = 0; i < n; i++) {
          const gi = g[i];
          const w = f32(p[i] * decay);
          const mi = f32(f32(m[i] * b1) + f32(gi * c1));
          const vi = f32(f32(v[i] * b2) + f32(f32(gi * gi) * c2));
          m[i] = mi;
          v[i] = vi;
          const denominator = f32(f32(f32(Math.sqrt(vi)) / sqrtCorrection2) + eps);
          p[i] = f32(w - f32(f32(mi / denominator) * stepSize));
        }
        break;
      }
    }
    target.weights.set(p.subarray(0, n), from);
    for (const name of Object.keys(target.slots)) target.slots[name].set(this.stage.get(name)!.subarray(0, n), from);
  }

  /** Private working copies, by name, reused between updates. */
  private readonly stage = new Map<string, Float32Array>();

  /** `source[from, to)` copied into the private buffer `name` (grown when too small). */
  private staged(name: string, source: Float32Array, from: number, to: number): Float32Array {
    let buffer = this.stage.get(name);
    if (!buffer || buffer.length < to - from) this.stage.set(name, (buffer = new Float32Array(to - from)));
    buffer.set(source.subarray(from, to));
    return buffer;
  }

  /** Σ gradients over [from, to), added in order; a Float32Array store rounds each add to float32. */
  private summed(gradients: Float32Array[], from: number, to: number): Float32Array {
    const n = to - from;
    if (this.sum.length < n) this.sum = new Float32Array(n);
    const sum = this.sum;
    sum.set(gradients[0].subarray(from, to));
    for (let k = 1; k < gradients.length; k++) {
      const g = this.staged('gradient', gradients[k], from, to);
      for (let i = 0; i < n; i++) sum[i] += g[i];
    }
    return sum;
  }
}
