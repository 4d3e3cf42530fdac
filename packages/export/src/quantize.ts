import { NonFiniteWeightError } from './errors.js';

/**
 * The two int8 forms `pnpm export --dtype int8` writes:
 * - `weight-only`: int8 weights, turned back into float32 inside the graph (Cast → Mul by
 *   the per-unit scales → Gemm), which onnxruntime folds once at load. Every execution
 *   provider runs it; the arithmetic stays float32, only the file shrinks.
 * - `dynamic`: activations quantised to uint8 at run time (DynamicQuantizeLinear) and an
 *   integer matmul (MatMulInteger → Cast → Mul → Add, the pattern onnxruntime's CPU EP fuses
 *   into MatMulIntegerToFloat and then DynamicQuantizeMatMul). The WebGPU EP has none of
 *   these integer ops, so there they fall back to the CPU.
 */
export const QUANTIZATION_SCHEMES = ['weight-only', 'dynamic'] as const;
export type QuantizationScheme = (typeof QUANTIZATION_SCHEMES)[number];

/** Symmetric int8 uses [-127, 127]: -128 has no positive twin, so zero stays exactly zero. */
export const INT8_LIMIT = 127;

/** A [inputs, units] kernel as int8 with one float32 scale per output unit (column). */
export interface QuantizedKernel {
  /** Row-major [inputs, units], each value in [-127, 127]. */
  values: Int8Array;
  /** [units]: weight ≈ value × scale[unit]. */
  scales: Float32Array;
  /** Largest |weight − value × scale| over the kernel (at most scale / 2 per column). */
  maxError: number;
}

/** Rounds half away from zero, the same on both sides of it. */
const roundSymmetric = (x: number) => Math.sign(x) * Math.floor(Math.abs(x) + 0.5);

/**
 * Per-output-channel symmetric int8 quantisation of a Dense kernel stored [inputs, units]
 * (tfjs's layout): column j gets scale max|W[:, j]| / 127, so each unit keeps its own range
 * and one large column does not crush the precision of the others. A non-finite weight has no
 * scale that could represent it, so it is an error naming the layer (`file` is what the error
 * is reported against, the model.json it came from).
 */
export function quantizePerChannel(file: string, layer: string, kernel: Float32Array, inputs: number, units: number): QuantizedKernel {
  if (kernel.length !== inputs * units) throw new RangeError(`layer "${layer}": kernel holds ${kernel.length} values, not ${inputs}×${units}`);
  const maxAbs = new Float64Array(units);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < units; j++) {
      const w = kernel[i * units + j];
      if (!Number.isFinite(w)) {
        throw new NonFiniteWeightError(file, `layer "${layer}": kernel holds ${w} at [${i}, ${j}]; int8 quantisation needs finite weights (the training diverged: retrain, e.g. with a lower learning rate)`);
      }
      maxAbs[j] = Math.max(maxAbs[j], Math.abs(w));
    }
  }
  // An all-zero column gets scale 1: any scale represents it exactly, and 0 would divide by zero.
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / INT8_LIMIT : 1));
  const values = new Int8Array(kernel.length);
  let maxError = 0;
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < units; j++) {
      const k = i * units + j;
      const q = Math.max(-INT8_LIMIT, Math.min(INT8_LIMIT, roundSymmetric(kernel[k] / scales[j])));
      values[k] = q;
      maxError = Math.max(maxError, Math.abs(kernel[k] - q * scales[j]));
    }
  }
  return { values, scales, maxError };
}

/** The kernel the int8 file stands for: value × scale, as DequantizeLinear computes it. */
export function dequantize(q: QuantizedKernel, units: number): Float32Array {
  return Float32Array.from(q.values, (v, k) => v * q.scales[k % units]);
}

/** What the metadata and the report say about a form, e.g. "int8 weight-only". */
export function describeForm(dtype: string, scheme: QuantizationScheme | undefined): string {
  return dtype === 'int8' ? `int8 ${scheme ?? 'weight-only'}` : dtype;
}
