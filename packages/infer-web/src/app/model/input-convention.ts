import { MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';
/** What the model expects from a pixel x in [0,1]: (x − mean) / std; mean 0, std 1 is raw. */
export interface InputConvention {
  mean: number;
  std: number;
  normalized: boolean;
  /** Where this came from, for the page to show. */
  source: string;
}

const RAW = { mean: 0, std: 1, normalized: false };

/**
 * Reads the input convention from the model's metadata_props, as our exporter writes it
 * (`input_format` JSON with `normalization: { mean, std, folded }`, or `normalization_folded`).
 * Without metadata: raw pixels in [0,1], which is what our exporter produces by default.
 */
export function inputConventionOf(metadata: Record<string, string>): InputConvention {
  const format = parseJson(metadata.input_format);
  const norm = format?.normalization as Record<string, unknown> | undefined;
  if (norm && typeof norm === 'object') {
    if (norm.folded === true || (Array.isArray(format?.range) && format.range[0] === 0 && format.range[1] === 1)) {
      return { ...RAW, source: 'model metadata input_format: raw pixels in [0,1] (normalisation folded into the first layer)' };
    }
    if (typeof norm.mean === 'number' && typeof norm.std === 'number') {
      return { mean: norm.mean, std: norm.std, normalized: true, source: `model metadata input_format: (x − ${norm.mean}) / ${norm.std}` };
    }
  }
  const folded = metadata.normalization_folded;
  if (folded === 'true') return { ...RAW, source: 'model metadata normalization_folded: raw pixels in [0,1]' };
  if (folded === 'false') {
    const mean = typeof norm?.mean === 'number' ? norm.mean : MNIST_MEAN;
    const std = typeof norm?.std === 'number' ? norm.std : MNIST_STD;
    return { mean, std, normalized: true, source: `model metadata normalization_folded: (x − ${mean}) / ${std}` };
  }
  return { ...RAW, source: 'default: the model has no input convention in its metadata, so raw pixels in [0,1] (our exporter’s convention)' };
}

function parseJson(value: string | undefined): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
