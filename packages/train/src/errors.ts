import { DeviceUnavailableError } from '@mnist-onnx/devices';
import { MnistOnnxError } from '@mnist-onnx/mnist';

/**
 * A tfjs backend cannot start here. It is the device policy's DeviceUnavailableError, so the one
 * selection routine (@mnist-onnx/devices) skips it under `auto` and reports it when named.
 */
export class BackendUnavailableError extends DeviceUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('tfjs backend', message, options);
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
