import { MnistOnnxError } from '@mnist-onnx/mnist';

// ModelLoadError and ModelSignatureError are shared with the page: see @mnist-onnx/mnist.
export { ModelLoadError, ModelSignatureError } from '@mnist-onnx/mnist';

// An execution provider that cannot start is the device policy's DeviceUnavailableError
// (@mnist-onnx/devices), the same error training's backends raise.

/** An image path that does not exist, holds no images, or cannot be decoded. */
export class ImageFileError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('IMAGE_FILE', `${file}: ${problem}`, options);
    this.file = file;
  }
}

/** An option out of range (batch size, threads, normalisation…), named as the CLI flag. */
export class InvalidOptionError extends MnistOnnxError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}
