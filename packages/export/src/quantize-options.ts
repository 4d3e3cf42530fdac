import { AccuracyDropError, ExportOptionError } from './errors.js';
import { WEIGHT_DTYPES, type WeightDtype } from './graph-builder.js';
import { QUANTIZATION_SCHEMES, describeForm, type QuantizationScheme } from './quantize.js';

/** How far (in percentage points of test accuracy) an export may fall below float32 by default. */
export const DEFAULT_MAX_ACCURACY_DROP = 0.3;

/**
 * Resolves `--dtype` and `--quantize` into one form: `--quantize dynamic` alone means int8
 * (there is no other dynamic form), `--dtype int8` alone means weight-only, and a float dtype
 * with `--quantize` is a contradiction worth a one-line error rather than a silent choice.
 */
export function checkQuantizeOptions(dtype: WeightDtype | undefined, quantize: QuantizationScheme | undefined): { dtype: WeightDtype; quantization: QuantizationScheme | undefined } {
  if (dtype !== undefined && !WEIGHT_DTYPES.includes(dtype)) {
    throw new ExportOptionError(`--dtype "${String(dtype)}" is not a weight precision; valid: ${WEIGHT_DTYPES.join(', ')}`);
  }
  if (quantize !== undefined && !QUANTIZATION_SCHEMES.includes(quantize)) {
    throw new ExportOptionError(`--quantize "${String(quantize)}" is not a quantisation scheme; valid: ${QUANTIZATION_SCHEMES.join(', ')}`);
  }
  if (quantize !== undefined && dtype !== undefined && dtype !== 'int8') {
    throw new ExportOptionError(`--quantize ${quantize} stores int8 weights, but --dtype is ${dtype}: use --dtype int8 or leave --dtype out`);
  }
  const resolved = dtype ?? (quantize ? 'int8' : 'float32');
  return { dtype: resolved, quantization: resolved === 'int8' ? (quantize ?? 'weight-only') : undefined };
}

/** Checked before any work is done: the gate's limit in percentage points, 0 to 100. */
export function checkMaxAccuracyDrop(limit: number): number {
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0 || limit > 100) {
    throw new ExportOptionError(`--max-accuracy-drop must be a number of percentage points from 0 to 100, got ${String(limit)}`);
  }
  return limit;
}

/** "float32", "float16", "int8 weight-only" or "int8 dynamic". */
export const formOf = (dtype: WeightDtype, quantization: QuantizationScheme | undefined): string => describeForm(dtype, quantization);

export interface AccuracyGate {
  form: string;
  accuracy: number;
  float32Accuracy: number;
  /** Percentage points. */
  maxAccuracyDrop: number;
  outFile: string;
  dataset: string;
  samples: number;
}

/**
 * The accuracy gate: returns how many points the model lost against float32 (negative when
 * it gained), or throws AccuracyDropError when that exceeds `maxAccuracyDrop`.
 */
export function gateAccuracy(gate: AccuracyGate): number {
  const limit = checkMaxAccuracyDrop(gate.maxAccuracyDrop);
  const drop = 100 * (gate.float32Accuracy - gate.accuracy);
  // A hair of slack so that a drop of exactly the limit (e.g. 0.3 = 6/1996 … rounded) passes.
  if (drop > limit + 1e-9) {
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    throw new AccuracyDropError(
      `${gate.outFile} not written: the ${gate.form} model scores ${pct(gate.accuracy)} on the ${gate.dataset} test set (${gate.samples} digits), ` +
        `${drop.toFixed(2)} points below float32's ${pct(gate.float32Accuracy)}; the limit is ${limit} (--max-accuracy-drop)`,
    );
  }
  return drop;
}

/** What a user of each int8 form should know about where it runs, printed by export. */
export function int8Notes(quantization: QuantizationScheme | undefined): string[] {
  if (quantization === 'dynamic') {
    return [
      'note: int8 dynamic runs DynamicQuantizeLinear and MatMulInteger, which onnxruntime\'s WebGPU execution provider does not have: under --ep webgpu (and in the page on WebGPU) those nodes run on the CPU, with copies between the devices. For WebGPU use --dtype int8 (weight-only).',
      // onnxruntime's own "x86/64 U8S8 Gemm Precision Fix" (microsoft/onnxruntime#12088) describes it: SSE4.1/AVX2/AVX-512
      // without VNNI sum uint8 × int8 pairs in 16 bits, which can overflow; it added session.x64quantprecision for some ops.
      'note: int8 dynamic was verified on this CPU. On x86 CPUs without VNNI, onnxruntime\'s uint8 × int8 kernel sums pairs in 16 bits and can saturate: check the accuracy there with pnpm infer.',
    ];
  }
  if (quantization === 'weight-only') {
    return ['note: int8 weight-only turns its weights back into float32 inside the graph (Cast → Mul → Gemm, folded when a session loads): every execution provider runs it, as fast as float32.'];
  }
  return [];
}
