import { MnistOnnxError } from '../errors.js';

/** A model file that is missing, unreadable, not ONNX, or rejected by ONNX Runtime. */
export class ModelLoadError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('MODEL_LOAD', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** The model loads but is not an MNIST classifier we can feed (input/output names, shapes, types). */
export class ModelSignatureError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('MODEL_SIGNATURE', `${file}: ${problem}`);
    this.file = file;
  }
}
