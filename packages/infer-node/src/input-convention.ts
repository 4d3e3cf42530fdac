import { conventionFromMetadata, RAW_PIXELS, type InputConvention, type Normalization } from '@mnist-onnx/mnist';

export type { InputConvention, Normalization } from '@mnist-onnx/mnist';

/**
 * Decides the input convention. `--normalize` (when given) wins, then the model's own
 * metadata_props, then raw pixels in [0,1] (what a model without metadata most often takes).
 */
export function resolveInputConvention(metadata: Record<string, string>, normalize?: Normalization): InputConvention {
  if (normalize) return { ...normalize, normalized: true, source: '--normalize' };
  return conventionFromMetadata(metadata) ?? {
    ...RAW_PIXELS,
    normalized: false,
    source: "default (no input convention in the model's metadata; pass --normalize MEAN,STD for a model that expects normalised input)",
  };
}
