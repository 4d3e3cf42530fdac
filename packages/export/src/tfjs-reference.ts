import * as tf from '@tensorflow/tfjs';
import { ModelJsonError } from './errors.js';
import type { TfjsModelFiles } from './read-tfjs-model.js';

/**
 * Makes sure tfjs runs on a backend that computes in float32 on the CPU, exactly: an already
 * selected `wasm` or `cpu` backend is kept (e.g. when training ran in the same process),
 * anything else is switched to `cpu`. Returns the backend's name.
 */
export async function useCpuBackend(): Promise<string> {
  const current = tf.engine().backendName;
  if (current === 'cpu' || current === 'wasm') return current;
  // The cpu backend greets Node users with a banner on stdout; prod mode keeps tfjs quiet.
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialise its cpu backend');
  await tf.ready();
  return tf.getBackend();
}

/** Loads the model with tfjs itself, from the same bytes the exporter read. */
export async function loadTfjsModel(files: TfjsModelFiles): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightSpecs, weightData: files.weightData }),
    );
  } catch (error) {
    throw new ModelJsonError(files.modelJsonPath, `tfjs cannot load this model (${(error as Error).message})`, { cause: error });
  }
}

/** The model's own predictions for `count` rows of 784 inputs, as a flat Float32Array. */
export async function predictTfjs(model: tf.LayersModel, inputs: Float32Array, count: number): Promise<Float32Array> {
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const x = tf.tensor(inputs, [count, ...inputShape], 'float32');
  try {
    const y = model.predict(x, { batchSize: 512 }) as tf.Tensor;
    try {
      return (await y.data()) as Float32Array;
    } finally {
      y.dispose();
    }
  } finally {
    x.dispose();
  }
}

export const tfjsVersion = (): string => tf.version.tfjs;
