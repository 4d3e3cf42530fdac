import { argmaxRows, NUM_CLASSES, PIXELS, type Dataset } from '@mnist-onnx/mnist';
import { convertToOnnx } from './convert.js';
import type { WeightDtype } from './graph-builder.js';
import { describeForm, type QuantizationScheme } from './quantize.js';
import type { TfjsModelFiles } from './read-tfjs-model.js';
import { runOnnx } from './verify.js';

/** The forms `pnpm export` can write, float32 first (the reference of the others). */
export const MODEL_FORMS: { dtype: WeightDtype; quantization?: QuantizationScheme }[] = [
  { dtype: 'float32' },
  { dtype: 'float16' },
  { dtype: 'int8', quantization: 'weight-only' },
  { dtype: 'int8', quantization: 'dynamic' },
];

/** One form of a model, measured on a test set in onnxruntime-node (CPU EP). */
export interface ModelFormSummary {
  /** "float32", "float16", "int8 weight-only", "int8 dynamic". */
  form: string;
  dtype: WeightDtype;
  quantization: QuantizationScheme | null;
  bytes: number;
  accuracy: number;
  /** Fraction of test images whose argmax matches the float32 file's. */
  agreement: number;
  /** Largest |Δlogit| against the float32 file. */
  maxAbsDiff: number;
  /** ONNX bytes of the form (not serialised into reports). */
  onnx: Uint8Array;
  /** The form's logits on the test set, flat [count, 10]. */
  logits: Float32Array;
}

/**
 * Builds every form of the tfjs model in memory (nothing is written, nothing verified against
 * tfjs) and scores each on `test`: size, accuracy, agreement with float32. int8 dynamic runs
 * one image per run, as export verifies it (its activation scale is per run).
 */
export async function compareModelForms(files: TfjsModelFiles, test: Dataset): Promise<ModelFormSummary[]> {
  const pixels = test.pixels01();
  const out: ModelFormSummary[] = [];
  let reference: { logits: Float32Array; predictions: Int32Array } | undefined;
  for (const { dtype, quantization } of MODEL_FORMS) {
    const onnx = convertToOnnx(files, { dtype, quantization }).built.bytes;
    const logits = (await runOnnx(onnx, pixels, test.count, PIXELS, ['logits'], quantization === 'dynamic' ? 1 : test.count)).logits;
    const predictions = argmaxRows(logits, NUM_CLASSES);
    reference ??= { logits, predictions };
    const { logits: referenceLogits, predictions: referencePredictions } = reference;
    let correct = 0;
    let agree = 0;
    let maxAbsDiff = 0;
    for (let i = 0; i < test.count; i++) {
      if (predictions[i] === test.labels[i]) correct++;
      if (predictions[i] === referencePredictions[i]) agree++;
    }
    for (let i = 0; i < logits.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(logits[i] - referenceLogits[i]));
    out.push({ form: describeForm(dtype, quantization), dtype, quantization: quantization ?? null, bytes: onnx.length, accuracy: correct / test.count, agreement: agree / test.count, maxAbsDiff, onnx, logits });
  }
  return out;
}
