import { MnistOnnxError } from '@mnist-onnx/mnist';

/** A benchmark that cannot run as asked: a bad flag, a failed reference script, missing data. */
export class BenchError extends MnistOnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BENCH', message, options);
  }
}
