import { MnistOnnxError } from '@mnist-onnx/mnist';

// ModelLoadError and ModelSignatureError are shared with the page: see @mnist-onnx/mnist.
export { ModelLoadError, ModelSignatureError } from '@mnist-onnx/mnist';

/** A file the page fetches (model, test set) that the server does not have. */
export class FetchError extends MnistOnnxError {
  constructor(url: string, problem: string) {
    super('FETCH', `${url}: ${problem}`);
  }
}
