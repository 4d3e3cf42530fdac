import { MnistOnnxError } from '@mnist-onnx/mnist';

/** A data-parallel worker threw or died: the run stops, naming the worker and the cause. */
export class WorkerFailedError extends MnistOnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRAIN_WORKER_FAILED', message, options);
  }
}
