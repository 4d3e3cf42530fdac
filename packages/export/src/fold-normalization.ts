import { UnsupportedModelError } from './errors.js';
import type { MlpSpec } from './mlp-spec.js';

/**
 * Folds the input normalisation x' = (x − mean) / std into the first Dense layer, so the
 * model takes raw [0,1] pixels:
 *   x' · W + b = x · (W / std) + (b − (mean / std) · Σᵢ W[i, :])
 * Sums run in float64 and are rounded to float32 once. A first layer without a bias gets one.
 */
export function foldNormalization(file: string, spec: MlpSpec, mean: number, std: number): MlpSpec {
  const first = spec.steps[0];
  if (first.kind !== 'dense') {
    throw new UnsupportedModelError(file, `layer "${first.name}" applies ${first.activation.type} before the first Dense layer, so the normalisation cannot be folded; export with --no-fold-normalization`);
  }
  const { inputs, units, kernel } = first;
  const folded = new Float32Array(kernel.length);
  const columnSums = new Float64Array(units);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < units; j++) {
      const w = kernel[i * units + j];
      folded[i * units + j] = w / std;
      columnSums[j] += w;
    }
  }
  const bias = new Float32Array(units);
  for (let j = 0; j < units; j++) bias[j] = (first.bias?.[j] ?? 0) - (mean / std) * columnSums[j];
  const steps = spec.steps.slice();
  steps[0] = { ...first, kernel: folded, bias };
  return { ...spec, steps };
}
