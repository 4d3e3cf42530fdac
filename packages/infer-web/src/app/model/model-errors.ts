import { MnistOnnxError } from '@mnist-onnx/mnist';

/** A file that is not an ONNX model, or that no execution provider could load. */
export class ModelLoadError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('MODEL_LOAD', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** An ONNX model that is not an MNIST classifier: wrong inputs or outputs. */
export class ModelSignatureError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('MODEL_SIGNATURE', `${file}: ${problem}`);
    this.file = file;
  }
}

/** A file the page fetches (model, test set) that the server does not have. */
export class FetchError extends MnistOnnxError {
  constructor(url: string, problem: string) {
    super('FETCH', `${url}: ${problem}`);
  }
}
