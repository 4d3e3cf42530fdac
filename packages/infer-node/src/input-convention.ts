import { MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';

/** What the model expects from a pixel x in [0,1]: (x − mean) / std. mean 0, std 1 is raw. */
export interface InputConvention {
  mean: number;
  std: number;
  normalized: boolean;
  /** Where this came from: model metadata, --normalize, or the default. */
  source: string;
}

export interface Normalization {
  mean: number;
  std: number;
}

const RAW: Normalization = { mean: 0, std: 1 };

/**
 * Decides the input convention. `--normalize` (when given) wins, then the model's own
 * metadata_props, then raw pixels in [0,1] (what a model without metadata most often takes).
 */
export function resolveInputConvention(metadata: Record<string, string>, normalize?: Normalization): InputConvention {
  const fromMetadata = conventionFromMetadata(metadata);
  if (normalize) {
    return { ...normalize, normalized: true, source: '--normalize' };
  }
  if (fromMetadata) return fromMetadata;
  return { ...RAW, normalized: false, source: "default (no input convention in the model's metadata; pass --normalize MEAN,STD for a model that expects normalised input)" };
}

/**
 * Reads the input convention `pnpm export` writes into metadata_props: `input_format` (JSON,
 * with `normalization: { mean, std, folded }`), else `normalization_folded` ("true"/"false",
 * with the MNIST constants). Folded means the model takes raw [0,1] pixels.
 */
export function conventionFromMetadata(metadata: Record<string, string>): InputConvention | undefined {
  const format = parseJson(metadata.input_format);
  const normalization = format?.normalization as { mean?: unknown; std?: unknown; folded?: unknown } | undefined;
  if (normalization && typeof normalization.folded === 'boolean') {
    if (normalization.folded) return { ...RAW, normalized: false, source: 'model metadata input_format (normalisation folded into the model)' };
    if (typeof normalization.mean === 'number' && typeof normalization.std === 'number' && normalization.std > 0) {
      return { mean: normalization.mean, std: normalization.std, normalized: true, source: 'model metadata input_format' };
    }
  }
  if (metadata.normalization_folded === 'true') return { ...RAW, normalized: false, source: 'model metadata normalization_folded=true' };
  if (metadata.normalization_folded === 'false') return { mean: MNIST_MEAN, std: MNIST_STD, normalized: true, source: 'model metadata normalization_folded=false' };
  return undefined;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
