import * as tf from '@tensorflow/tfjs';
import { PIXELS, type Dataset } from '@mnist-onnx/mnist';
import { buildModel, presetHyperparameters, selectBackend } from '@mnist-onnx/train';
import type { Measurement } from './figures.js';
import { chunks, timePasses, type InferBatch } from './timing.js';

/**
 * tfjs `model.predict` on the test set, on one backend, for each batch size: what a user of
 * the trained LayersModel gets. Each batch's output is read back (`data()`), as a user must.
 * The weights are freshly initialised: speed does not depend on their values.
 */
export async function measureTfjsPredict(backend: string, test: Dataset, batches: InferBatch[], minSeconds: number): Promise<{ figures: Map<string, Measurement>; notes: string[] }> {
  const selection = await selectBackend(backend);
  const model = buildModel(presetHyperparameters('default'));
  const x = tf.tensor2d(test.normalized(), [test.count, PIXELS]);
  const figures = new Map<string, Measurement>();
  try {
    for (const batch of batches) {
      const inputs = chunks(test.count, batch).map(([a, b]) => x.slice([a, 0], [b - a, PIXELS]));
      try {
        figures.set(String(batch), await timePasses(async () => {
          for (const input of inputs) {
            const out = model.predict(input) as tf.Tensor;
            await out.data();
            out.dispose();
          }
        }, test.count, minSeconds));
      } finally {
        tf.dispose(inputs);
      }
    }
  } finally {
    x.dispose();
    model.dispose();
  }
  return { figures, notes: selection.notes };
}
