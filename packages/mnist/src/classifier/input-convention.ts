import { MNIST_MEAN, MNIST_STD } from '../constants.js';
import { CLASSIFIER_METADATA_KEY, readClassifierMetadata } from './metadata.js';

/**
 * What an ONNX classifier expects from a pixel x in [0,1], read from the metadata_props that
 * `pnpm export` writes — shared by `pnpm infer` and the page so both read models the same way.
 */
export interface InputConvention {
  /** The model takes (x − mean) / std; mean 0, std 1 is raw. */
  mean: number;
  std: number;
  normalized: boolean;
  /** Where this came from: model metadata, a flag, or the default. */
  source: string;
}

export interface Normalization {
  mean: number;
  std: number;
}

export const RAW_PIXELS: Normalization = { mean: 0, std: 1 };

/**
 * Reads the input convention from metadata_props: the version-2 entry (metadata.ts), else the
 * keys earlier exports wrote — `input_format` (JSON, with `normalization: { mean, std, folded }`),
 * else `normalization_folded` ("true"/"false", with the MNIST constants). Folded means the model
 * takes raw [0,1] pixels.
 */
export function conventionFromMetadata(metadata: Record<string, string>): InputConvention | undefined {
  const current = readClassifierMetadata(metadata);
  if (current.found) {
    const { mean, std } = current.metadata.input;
    const raw = mean === 0 && std === 1;
    return { mean, std, normalized: !raw, source: `model metadata ${CLASSIFIER_METADATA_KEY} (${raw ? 'raw pixels in [0,1]' : `(x − ${mean}) / ${std}`})` };
  }
  const format = parseJson(metadata.input_format);
  const normalization = format?.normalization as { mean?: unknown; std?: unknown; folded?: unknown } | undefined;
  if (normalization && typeof normalization.folded === 'boolean') {
    if (normalization.folded) return { ...RAW_PIXELS, normalized: false, source: 'model metadata input_format (normalisation folded into the model)' };
    if (typeof normalization.mean === 'number' && typeof normalization.std === 'number' && normalization.std > 0) {
      return { mean: normalization.mean, std: normalization.std, normalized: true, source: 'model metadata input_format' };
    }
  }
  if (metadata.normalization_folded === 'true') return { ...RAW_PIXELS, normalized: false, source: 'model metadata normalization_folded=true' };
  if (metadata.normalization_folded === 'false') return { mean: MNIST_MEAN, std: MNIST_STD, normalized: true, source: 'model metadata normalization_folded=false' };
  return undefined;
}

/** The convention from the metadata, else raw pixels in [0,1] (what our exporter writes by default). */
export function inputConventionOf(metadata: Record<string, string>): InputConvention {
  return conventionFromMetadata(metadata) ?? {
    ...RAW_PIXELS,
    normalized: false,
    source: "default: the model has no input convention in its metadata, so raw pixels in [0,1] (our exporter's convention)",
  };
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

/**
 * The convention to run a model with: `--normalize` (when given) wins, then the model's own
 * metadata, then raw pixels in [0,1] (what a model without metadata most often takes).
 */
export function resolveInputConvention(metadata: Record<string, string>, normalize?: Normalization): InputConvention {
  if (normalize) return { ...normalize, normalized: true, source: '--normalize' };
  return conventionFromMetadata(metadata) ?? {
    ...RAW_PIXELS,
    normalized: false,
    source: "default (no input convention in the model's metadata; pass --normalize MEAN,STD for a model that expects normalised input)",
  };
}
