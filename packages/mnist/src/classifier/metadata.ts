/**
 * The classifier metadata contract: what `pnpm export` (and the page's exporter) write into an
 * ONNX file's metadata_props, and what every reader takes from it. Version 2 says it once, as
 * one JSON value under one key; the keys written before it (input_format, normalization_folded)
 * are still read, so files exported earlier keep working.
 */

export const CLASSIFIER_METADATA_KEY = 'mnist_onnx';
export const CLASSIFIER_METADATA_FORMAT = 'mnist-onnx/classifier';
export const CLASSIFIER_METADATA_VERSION = 2;

export type WeightsDtype = 'float32' | 'float16' | 'int8';

export interface ClassifierMetadata {
  format: typeof CLASSIFIER_METADATA_FORMAT;
  version: typeof CLASSIFIER_METADATA_VERSION;
  /** Name and version of what wrote the file. */
  producer: string;
  input: {
    name: string;
    dtype: 'float32';
    /** As declared in the graph; a string is a symbolic (free) dimension. */
    shape: (number | string)[];
    /** 28×28 grayscale, row-major, white digit on black. */
    image: { height: number; width: number; polarity: 'white-on-black' };
    /**
     * The model takes (x − mean) / std for pixels x in [0,1]. mean 0, std 1 means raw pixels
     * (the exporter folds the normalisation into the first layer by default).
     */
    mean: number;
    std: number;
  };
  output: { names: string[]; labels: string[] };
  weights: { dtype: WeightsDtype; quantization?: { scheme: string; weights: string; activations: string; ops: string } };
  /** e.g. `784-200-200-10 (relu, relu, linear)`. */
  architecture: string;
  source?: { format: string; weightsSha256: string };
  training?: { testAccuracy?: number; datasetId?: string; preset?: string; finishedAt?: string };
  /** Measured on this very file before it was written. */
  verification?: { dataset: string; samples: number; batchSize: number; accuracy: number; float32Accuracy: number };
}

/** The metadata_props entry for `metadata`: one key, one JSON value. */
export const encodeClassifierMetadata = (metadata: ClassifierMetadata): Record<string, string> => ({ [CLASSIFIER_METADATA_KEY]: JSON.stringify(metadata) });

export type ReadMetadata = { found: true; metadata: ClassifierMetadata } | { found: false; problem?: string };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Reads the version-2 entry. A file without it is not an error (most ONNX models have none);
 * one whose entry is malformed or of another version says what is wrong, so readers can fall
 * back to the legacy keys or the flags and tell the user why.
 */
export function readClassifierMetadata(props: Record<string, string>): ReadMetadata {
  const text = props[CLASSIFIER_METADATA_KEY];
  if (text === undefined) return { found: false };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { found: false, problem: `metadata ${CLASSIFIER_METADATA_KEY} is not JSON` };
  }
  const m = value as Partial<ClassifierMetadata> | null;
  if (!m || m.format !== CLASSIFIER_METADATA_FORMAT) return { found: false, problem: `metadata ${CLASSIFIER_METADATA_KEY}: format is not "${CLASSIFIER_METADATA_FORMAT}"` };
  if (m.version !== CLASSIFIER_METADATA_VERSION) return { found: false, problem: `metadata ${CLASSIFIER_METADATA_KEY}: version ${String(m.version)} is not supported (this reader knows ${CLASSIFIER_METADATA_VERSION})` };
  const input = m.input;
  if (!input || !isNumber(input.mean) || !isNumber(input.std) || input.std <= 0) return { found: false, problem: `metadata ${CLASSIFIER_METADATA_KEY}: input.mean and a positive input.std are required` };
  return { found: true, metadata: m as ClassifierMetadata };
}

/** The network and how well it trained, as a file says (version 2, or the keys written before it). */
export function describedNetwork(props: Record<string, string>): { architecture?: string; trainingTestAccuracy?: number } {
  const current = readClassifierMetadata(props);
  const architecture = current.found ? current.metadata.architecture : props.architecture;
  const accuracy = current.found ? current.metadata.training?.testAccuracy : props.training_test_accuracy !== undefined ? Number(props.training_test_accuracy) : undefined;
  return {
    ...(architecture ? { architecture } : {}),
    ...(accuracy !== undefined && Number.isFinite(accuracy) ? { trainingTestAccuracy: accuracy } : {}),
  };
}
