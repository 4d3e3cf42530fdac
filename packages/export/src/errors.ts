import { MnistOnnxError } from '@mnist-onnx/mnist';

/**
 * Every problem the exporter can find in its input has its own class and stable code; each
 * message names the file (or layer) and what is wrong with it, so the CLI can print it as is.
 */

/** `model.json` is unreadable, not JSON, or lacks the fields of a tfjs LayersModel. */
export class ModelJsonError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('EXPORT_MODEL_JSON', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** A weight shard named in the manifest is missing, unreadable, too short or too long. */
export class WeightFileError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('EXPORT_WEIGHT_FILE', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** A weight is missing, unused, of an unsupported dtype, or its shape does not fit its layer. */
export class WeightShapeError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('EXPORT_WEIGHT_SHAPE', `${file}: ${problem}`);
    this.file = file;
  }
}

/** A weight holds NaN or ±Infinity: the model diverged in training and is not worth exporting. */
export class NonFiniteWeightError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('EXPORT_NON_FINITE_WEIGHT', `${file}: ${problem}`);
    this.file = file;
  }
}

/** A layer class, activation or topology this exporter does not translate. */
export class UnsupportedModelError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('EXPORT_UNSUPPORTED', `${file}: ${problem}`);
    this.file = file;
  }
}

/** The ONNX bytes do not reproduce the tfjs model's predictions: nothing is written. */
export class VerificationError extends MnistOnnxError {
  constructor(message: string) {
    super('EXPORT_VERIFICATION', message);
  }
}

/** `--dtype float16` asked for, but a weight is beyond half precision's range. */
export class Float16RangeError extends MnistOnnxError {
  constructor(message: string) {
    super('EXPORT_FLOAT16_RANGE', message);
  }
}

/** `training-record.json` beside the model exists but cannot be read as JSON. */
export class TrainingRecordError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('EXPORT_TRAINING_RECORD', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** An export option out of range or contradicting another (`--quantize` without int8, a negative drop). */
export class ExportOptionError extends MnistOnnxError {
  constructor(message: string) {
    super('EXPORT_OPTION', message);
  }
}

/** The quantised model's test accuracy fell more than the allowed points below float32's: nothing is written. */
export class AccuracyDropError extends MnistOnnxError {
  constructor(message: string) {
    super('EXPORT_ACCURACY_DROP', message);
  }
}
