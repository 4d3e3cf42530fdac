import type * as tf from '@tensorflow/tfjs';
import { MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';
import {
  buildDocString, buildMetadata, buildMlpSpec, buildOnnx, foldNormalization, LOGITS_NAME, parseTopology,
  type BuiltOnnx, type MlpSpec, type TrainingSummary, type Weight,
} from '@mnist-onnx/export/browser';

/** How errors about the model name it: there is no file yet. */
export const PAGE_MODEL_SOURCE = 'the model trained in this page';
export const PAGE_PRODUCER = 'mnist-onnx page (Train panel)';

export interface PageOnnx {
  built: BuiltOnnx;
  /** The model as trained (normalisation not folded). */
  spec: MlpSpec;
  metadata: Record<string, string>;
}

/** Each Dense layer's kernel and bias under the names model.json would give them (`dense_1/kernel`, …). */
async function namedWeights(model: tf.LayersModel): Promise<Map<string, Weight>> {
  const weights = new Map<string, Weight>();
  for (const layer of model.layers) {
    const values = layer.getWeights();
    const kinds = ['kernel', 'bias'];
    for (let i = 0; i < values.length; i++) {
      const name = `${layer.name}/${kinds[i]}`;
      weights.set(name, { name, shape: values[i].shape, values: (await values[i].data()) as Float32Array, file: PAGE_MODEL_SOURCE });
    }
  }
  return weights;
}

/** SHA-256 of the weights in layer order, as `pnpm export` hashes weights.bin (the same bytes tfjs would save). */
async function weightsSha256(weights: Map<string, Weight>): Promise<string> {
  const parts = [...weights.values()].map((w) => w.values);
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The trained model as ONNX bytes, by the export package's own steps (what `pnpm export` does
 * after reading model.json): the topology and weights checked into an MLP spec, the input
 * normalisation folded into the first Gemm, the metadata and doc string, the graph. float32,
 * logits only: the page's classifier and `pnpm infer` read it like any exported file.
 */
export async function exportPageModel(model: tf.LayersModel, training: TrainingSummary, sourceFormat: string): Promise<PageOnnx> {
  const topology = model.toJSON(undefined, false) as unknown as Record<string, unknown>;
  const weights = await namedWeights(model);
  const spec = buildMlpSpec(PAGE_MODEL_SOURCE, parseTopology(PAGE_MODEL_SOURCE, topology), weights);
  const describe = {
    spec,
    normalizationFolded: true,
    dtype: 'float32' as const,
    outputs: [LOGITS_NAME],
    producer: PAGE_PRODUCER,
    weightsSha256: await weightsSha256(weights),
    sourceFormat,
    training,
  };
  const metadata = buildMetadata(describe);
  const built = buildOnnx(foldNormalization(PAGE_MODEL_SOURCE, spec, MNIST_MEAN, MNIST_STD), {
    dtype: 'float32',
    source: PAGE_MODEL_SOURCE,
    probabilities: false,
    normalizationFolded: true,
    graphName: 'mnist-mlp',
    docString: buildDocString(describe),
    producerName: 'mnist-onnx',
    producerVersion: 'page',
    metadata,
  });
  return { built, spec, metadata };
}
