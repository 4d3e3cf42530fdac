import * as tf from '@tensorflow/tfjs';

/**
 * Moving values between host arrays and a worker's tensors without a fresh host array per
 * step. Every step a worker uploads ~0.8 MB of weights and reads back as much gradient; as
 * `slice()` and `dataSync()` copies, those were four 0.8 MB allocations a step per thread, and
 * large allocations in a multi-threaded process are not free (fresh pages to fault in, and
 * returned ones to unmap from every core running the process).
 *
 * The wasm backend copies a tensor's values into its own heap when the tensor is made and
 * exposes that heap, so both directions need only the one copy they must make. Other backends
 * (cpu) keep a reference to the array a tensor is made from and hand out copies: there a
 * private copy is made, as before.
 */
interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function heapBackend(): HeapBackend | null {
  const backend = tf.backend() as Partial<HeapBackend>;
  return tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : null;
}

/** A float32 tensor of `values` that does not alias them (the caller may overwrite them next). */
export function tensorFromHost(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(heapBackend() ? values : values.slice(), shape, 'float32');
}

/** Copies a float32 tensor's values into `into` at `offset`. */
export function copyTensorToHost(tensor: tf.Tensor, into: Float32Array, offset: number): void {
  const heap = heapBackend();
  into.set(heap ? heap.typedArrayFromHeap(tensor) : (tensor.dataSync() as Float32Array), offset);
}
