import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { startNodeSession } from '@mnist-onnx/devices/node';
import { buildOnnx, type MlpSpec, type Step } from '@mnist-onnx/export';
import { NUM_CLASSES, PIXELS, type Dataset } from '@mnist-onnx/mnist';
import { artifactPaths } from '@mnist-onnx/mnist/node';
import { buildModel, denseParams, presetHyperparameters } from '@mnist-onnx/train';
import { Tensor } from 'onnxruntime-node';
import type { Measurement } from './figures.js';
import { chunks, timePasses, type InferBatch } from './timing.js';

export interface OnnxModelSource {
  bytes: Uint8Array;
  /** Where the model came from, for the table's notes. */
  description: string;
}

/**
 * The ONNX model `pnpm infer` runs (artifacts/model/mnist-mlp.onnx) when it exists; otherwise
 * the same graph built in memory by the export package from a freshly initialised MLP (its
 * speed does not depend on the weights). Call with tfjs on any backend.
 */
export async function onnxModel(): Promise<OnnxModelSource> {
  const path = artifactPaths.onnxModel();
  if (existsSync(path)) return { bytes: new Uint8Array(await readFile(path)), description: path };
  const model = buildModel(presetHyperparameters('default'));
  const params = denseParams(model);
  const steps: Step[] = [];
  for (const [i, p] of params.entries()) {
    const [inputs, units] = p.kernel.shape;
    steps.push({ kind: 'dense', name: `dense_${i + 1}`, inputs, units, kernel: p.kernel.dataSync() as Float32Array, bias: p.bias.dataSync() as Float32Array });
    if (i < params.length - 1) steps.push({ kind: 'activation', name: `relu_${i + 1}`, activation: { type: 'relu' } });
  }
  model.dispose();
  const spec: MlpSpec = { inputs: PIXELS, outputs: NUM_CLASSES, steps };
  const built = buildOnnx(spec, {
    dtype: 'float32', probabilities: false, normalizationFolded: true, graphName: 'mnist-mlp', docString: 'bench model',
    producerName: 'mnist-onnx bench', producerVersion: '0', metadata: {},
  });
  return { bytes: built.bytes, description: `${path} not found (run pnpm export): the same graph built in memory from untrained weights` };
}

/**
 * onnxruntime-node (CPU execution provider) on the test set: raw `session.run` on prepared
 * input tensors, as a user calling onnxruntime directly would, for each batch size.
 * `spin: false` turns off the intra-op threads' busy-waiting (see --spin).
 */
export async function measureOnnxruntime(model: OnnxModelSource, test: Dataset, batches: InferBatch[], threads: number, minSeconds: number, spin: boolean): Promise<Map<string, Measurement>> {
  // The CPU EP named explicitly through the device policy: one line if it cannot start.
  const { session } = await startNodeSession(model.bytes, {
    device: 'cpu',
    flag: 'onnxruntime-node',
    sessionOptions: {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
      // Busy-waiting worker threads (onnxruntime's default) lose badly when another process holds a core.
      ...(spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    },
  });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  // The exported file takes pixels in [0,1] (normalisation folded in); the values do not change the speed.
  const pixels = test.pixels01();
  const figures = new Map<string, Measurement>();
  try {
    for (const batch of batches) {
      const inputs = chunks(test.count, batch).map(([a, b]) => new Tensor('float32', pixels.subarray(a * PIXELS, b * PIXELS), [b - a, PIXELS]));
      figures.set(String(batch), await timePasses(async () => {
        for (const input of inputs) {
          const out = await session.run({ [inputName]: input }, [outputName]);
          out[outputName].dispose();
        }
      }, test.count, minSeconds));
    }
  } finally {
    await session.release();
  }
  return figures;
}
