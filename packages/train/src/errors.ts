import { MnistOnnxError } from '@mnist-onnx/mnist';

/** A backend that was asked for by name (or every backend, under `auto`) cannot start. */
export class BackendUnavailableError extends MnistOnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}

/** Training options that do not make sense (unknown preset, non-positive batch size, …). */
export class TrainOptionsError extends MnistOnnxError {
  constructor(message: string) {
    super('TRAIN_OPTIONS', message);
  }
}

/** A checkpoint that cannot be resumed from: missing, corrupt, or from a different run setup. */
export class CheckpointError extends MnistOnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT', message, options);
  }
}

/** A saved model folder that cannot be read back (missing files, bad JSON, short weights). */
export class ModelFileError extends MnistOnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FILE', message, options);
  }
}

/** Training produced a non-finite loss: the run diverged (learning rate too high, …). */
export class DivergenceError extends MnistOnnxError {
  constructor(message: string) {
    super('TRAIN_DIVERGED', message);
  }
}
