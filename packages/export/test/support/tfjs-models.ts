import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * Saves a tfjs LayersModel in the on-disk LayersModel format (model.json + weight shards),
 * as tfjs-node's `file://` handler would: the test needs real files without tfjs-node.
 * `shardBytes` splits the weights into several shards to exercise multi-file manifests.
 */
export async function saveTfjsModel(model: tf.LayersModel, dir: string, shardBytes = Number.POSITIVE_INFINITY): Promise<string> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('tfjs gave no weights to save');
  const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let start = 0, i = 1; start < data.length || i === 1; start += shardBytes, i++) {
    const name = Number.isFinite(shardBytes) ? `group1-shard${i}of${Math.ceil(data.length / shardBytes)}.bin` : 'weights.bin';
    await writeFile(join(dir, name), data.subarray(start, Math.min(start + shardBytes, data.length)));
    paths.push(name);
    if (!Number.isFinite(shardBytes)) break;
  }
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: paths.map((p) => `./${p}`), weights: artifacts.weightSpecs }],
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  return dir;
}

export type TestActivation = 'relu' | 'leaky-relu' | 'selu' | 'softplus' | 'sigmoid' | 'tanh' | 'softmax' | 'linear';

/**
 * A small seeded MLP 784 → hidden → 10 with `activation` after the hidden layer (leaky-relu
 * as a LeakyReLU layer, the way tfjs spells it). `final` is the last layer's activation.
 */
export function buildTestModel(activation: TestActivation, options: { hidden?: number; seed?: number; final?: 'linear' | 'softmax' | 'relu'; inputShape?: number[]; alpha?: number } = {}): tf.Sequential {
  const seed = options.seed ?? 7;
  const hidden = options.hidden ?? 24;
  const inputShape = options.inputShape ?? [784];
  const model = tf.sequential();
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape, name: 'flatten_1' }));
  const dense = (units: number, act: string, s: number, first: boolean) =>
    tf.layers.dense({
      name: first ? 'dense_1' : 'dense_2',
      units,
      activation: act as 'linear',
      kernelInitializer: tf.initializers.glorotNormal({ seed: s }),
      biasInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.1, seed: s + 100 }),
      ...(first && inputShape.length === 1 ? { inputShape } : {}),
    });
  const leaky = activation === 'leaky-relu';
  model.add(dense(hidden, leaky ? 'linear' : activation, seed, true));
  if (leaky) model.add(tf.layers.leakyReLU({ alpha: options.alpha ?? 0.2, name: 'leaky_re_lu_1' }));
  model.add(dense(10, options.final ?? 'linear', seed + 1, false));
  return model;
}

/** `count` seeded images of 784 values in [0,1], mostly dark like MNIST digits. */
export function randomPixels(count: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    // mulberry32, inlined to keep the support file free of project imports.
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length: count * 784 }, () => (next() < 0.8 ? 0 : next()));
}

/** (x − 0.1307) / 0.3081, the normalisation the test models are trained to expect. */
export const normalize = (pixels01: Float32Array): Float32Array => pixels01.map((v) => (v - 0.1307) / 0.3081);

/** The tfjs model's own output for `count` rows of (normalised) input. */
export function tfjsPredict(model: tf.LayersModel, input: Float32Array, count: number): Float32Array {
  return tf.tidy(() => {
    const shape = model.inputs[0].shape.slice(1) as number[];
    return (model.predict(tf.tensor(input, [count, ...shape])) as tf.Tensor).dataSync() as Float32Array;
  });
}
