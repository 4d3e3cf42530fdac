import { readClassifierMetadata } from './metadata.js';

/**
 * Which form of the model is running, read from the classifier metadata `pnpm export` writes
 * (version 2: weights.dtype, weights.quantization, verification; or the keys written before it:
 * `weights_dtype`, `quantization`, `export_test_accuracy`, `float32_test_accuracy`). A model from
 * elsewhere has none of it, and is then said to be of unknown form rather than guessed.
 */
export interface ModelForm {
  /** `float32`, `float16`, `int8 weight-only`, `int8 dynamic`, or null when the metadata does not say. */
  name: string | null;
  /** What the form means at run time, for the terminal. */
  detail: string;
  /** Test accuracy of this file and of float32, as measured at export (null when not recorded). */
  exportAccuracy: { dataset: string; accuracy: number; float32Accuracy: number } | null;
}

function schemeOf(quantization: string | undefined): string | null {
  if (!quantization) return null;
  try {
    const scheme = (JSON.parse(quantization) as { scheme?: unknown }).scheme;
    return typeof scheme === 'string' ? scheme : null;
  } catch {
    return null;
  }
}

const DETAILS: Record<string, string> = {
  float32: 'float32 weights',
  float16: 'float16 weights, cast to float32 in the graph',
  'int8 weight-only': 'int8 weights turned back into float32 in the graph',
  'int8 dynamic': 'int8 weights, uint8 activations quantised at run time, integer matmul; on the CPU even under WebGPU',
};

const describe = (name: string | null, exportAccuracy: ModelForm['exportAccuracy']): ModelForm => ({
  name,
  detail: name ? (DETAILS[name] ?? `${name} weights`) : 'not stated in the model\'s metadata',
  exportAccuracy,
});

export function modelForm(metadata: Record<string, string>): ModelForm {
  const current = readClassifierMetadata(metadata);
  if (current.found) {
    const { weights, verification } = current.metadata;
    const name = weights.dtype === 'int8' ? `int8 ${weights.quantization?.scheme ?? 'weight-only'}` : weights.dtype;
    return describe(name, verification ? { dataset: verification.dataset, accuracy: verification.accuracy, float32Accuracy: verification.float32Accuracy } : null);
  }
  const dtype = metadata.weights_dtype;
  const scheme = dtype === 'int8' ? (schemeOf(metadata.quantization) ?? 'weight-only') : null;
  const name = dtype ? (scheme ? `${dtype} ${scheme}` : dtype) : null;
  const accuracy = Number(metadata.export_test_accuracy);
  const float32Accuracy = Number(metadata.float32_test_accuracy);
  const recorded = metadata.export_test_accuracy !== undefined && Number.isFinite(accuracy) && Number.isFinite(float32Accuracy);
  return describe(name, recorded ? { dataset: metadata.export_test_dataset ?? 'unknown', accuracy, float32Accuracy } : null);
}
