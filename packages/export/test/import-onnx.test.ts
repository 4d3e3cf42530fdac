import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToOnnx, importClassifierOnnx, ModelImportError, readTfjsModel, useCpuBackend, type ConvertOptions, type ImportedClassifier } from '../src/index.js';
import { buildTestModel, normalize, randomPixels, saveTfjsModel, tfjsPredict } from './support/tfjs-models.js';
import { trainSmallModel } from './support/trained-model.js';

const { onnx } = onnxProto;
const COUNT = 32;
let root: string;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'export-import-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function exported(model: tf.LayersModel, name: string, options: ConvertOptions = {}): Promise<Uint8Array> {
  return convertToOnnx(await readTfjsModel(await saveTfjsModel(model, join(root, name))), options).built.bytes;
}

const training = (preset: string): ConvertOptions['training'] => ({ file: 'training-record.json', testAccuracy: undefined, datasetId: undefined, preset, finishedAt: undefined });

/** The network the imported hyperparameters describe, built with tfjs layers and given the imported weights. */
function rebuild(imported: ImportedClassifier): tf.Sequential {
  const model = tf.sequential();
  const widths = [...imported.hiddenUnits, imported.outputUnits];
  widths.forEach((units, i) => {
    const last = i === widths.length - 1;
    const activation = last ? (imported.finalActivation === 'relu' ? 'relu' : 'linear') : imported.activation === 'leaky-relu' ? 'linear' : imported.activation;
    model.add(tf.layers.dense({ units, activation, ...(i === 0 ? { inputShape: [imported.inputUnits] } : {}) }));
    if (!last && imported.activation === 'leaky-relu') model.add(tf.layers.leakyReLU({ alpha: imported.leakyAlpha }));
  });
  model.setWeights(imported.weights.map((values, i) => tf.tensor(values, model.getWeights()[i].shape)));
  return model;
}

/**
 * Largest |Δ| over a tensor, relative to the tensor's largest magnitude (a bias may hold zeros),
 * or to `floor` when larger: the folded first bias b' = b − (μ/σ)·ΣW is rounded to float32 in
 * the file, so b comes back within float32 rounding of that offset, not of b itself.
 */
function relativeError(actual: Float32Array, expected: Float32Array, floor = 0): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** max over units of |(μ/σ)·Σᵢ W[i, j]|: what folding subtracts from the first bias. */
function foldOffset(kernel: Float32Array, units: number): number {
  const sums = new Float64Array(units);
  kernel.forEach((w, k) => (sums[k % units] += w));
  return Math.max(...sums.map((s) => Math.abs((MNIST_MEAN / MNIST_STD) * s)));
}

function expectSameNetwork(original: tf.LayersModel, imported: ImportedClassifier, weightTolerance: number, logitTolerance: number): void {
  const expected = original.getWeights().map((w) => w.dataSync() as Float32Array);
  expect(imported.weights.map((w) => w.length)).toEqual(expected.map((w) => w.length));
  const offset = imported.normalizationFolded ? foldOffset(expected[0], expected[1].length) : 0;
  imported.weights.forEach((w, i) => expect(relativeError(w, expected[i], i === 1 ? offset : 0)).toBeLessThanOrEqual(weightTolerance));
  const input = normalize(randomPixels(COUNT, 9));
  const rebuilt = rebuild(imported);
  const reference = tfjsPredict(original, input, COUNT);
  const logits = tfjsPredict(rebuilt, input, COUNT);
  rebuilt.dispose();
  expect(Math.max(...logits.map((v, i) => Math.abs(v - reference[i])))).toBeLessThanOrEqual(logitTolerance);
}

describe('importClassifierOnnx gives back the tfjs weights of an exported model', () => {
  for (const fold of [true, false]) {
    for (const probabilities of [false, true]) {
      it(`relu MLP, normalisation ${fold ? 'folded' : 'not folded'}, ${probabilities ? 'with' : 'without'} probabilities`, async () => {
        const model = buildTestModel('relu', { seed: 5 });
        const imported = importClassifierOnnx(await exported(model, `relu-${fold}-${probabilities}`, { foldNormalization: fold, probabilities }), 'relu.onnx');
        expect(imported).toMatchObject({ inputUnits: 784, outputUnits: 10, hiddenUnits: [24], activation: 'relu', finalActivation: 'none', preset: 'default', dtype: 'float32', normalizationFolded: fold });
        expectSameNetwork(model, imported, 1e-6, 1e-4);
        model.dispose();
      });
    }
  }

  it("keeps the seed preset's ReLU on the logits and names the preset from the metadata", async () => {
    const model = buildTestModel('relu', { seed: 6, final: 'relu' });
    const imported = importClassifierOnnx(await exported(model, 'seed', { training: training('seed') }), 'seed.onnx');
    expect(imported).toMatchObject({ finalActivation: 'relu', preset: 'seed', normalizationFolded: true });
    expectSameNetwork(model, imported, 1e-6, 1e-4);
    model.dispose();
  });

  it("reads leaky ReLU's alpha, and a model ending in softmax as its logits", async () => {
    const leaky = buildTestModel('leaky-relu', { alpha: 0.05, seed: 8 });
    const imported = importClassifierOnnx(await exported(leaky, 'leaky', { probabilities: true }), 'leaky.onnx');
    expect(imported.activation).toBe('leaky-relu');
    expect(imported.leakyAlpha).toBeCloseTo(0.05, 7);
    expectSameNetwork(leaky, imported, 1e-6, 1e-4);
    leaky.dispose();
    const softmax = buildTestModel('selu', { final: 'softmax', seed: 9 });
    const fromSoftmax = importClassifierOnnx(await exported(softmax, 'softmax'), 'softmax.onnx');
    expect(fromSoftmax).toMatchObject({ activation: 'selu', finalActivation: 'none' });
    const expected = softmax.getWeights().map((w) => w.dataSync() as Float32Array);
    fromSoftmax.weights.forEach((w, i) => expect(relativeError(w, expected[i])).toBeLessThanOrEqual(1e-6));
    softmax.dispose();
  });

  it('gives back the weights of a trained model, two hidden layers deep', async () => {
    const x = randomPixels(400, 3);
    const labels = Uint8Array.from({ length: 400 }, (_, i) => i % 10);
    const trained = await trainSmallModel(normalize(x), labels, { hidden: 16, epochs: 2 });
    const imported = importClassifierOnnx(await exported(trained, 'trained'), 'trained.onnx');
    expectSameNetwork(trained, imported, 1e-6, 1e-4);
    trained.dispose();
    const deep = tf.sequential();
    deep.add(tf.layers.dense({ units: 20, activation: 'softplus', inputShape: [784], biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 1 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
    deep.add(tf.layers.dense({ units: 12, activation: 'softplus', biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 3 }), kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }));
    deep.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }));
    const importedDeep = importClassifierOnnx(await exported(deep, 'deep'), 'deep.onnx');
    expect(importedDeep).toMatchObject({ hiddenUnits: [20, 12], activation: 'softplus' });
    expectSameNetwork(deep, importedDeep, 1e-6, 1e-4);
    deep.dispose();
  });

  it('reads a Gemm with transB = 1 (a kernel stored [units, inputs])', async () => {
    const model = buildTestModel('relu', { seed: 10 });
    const decoded = onnx.ModelProto.decode(await exported(model, 'transb'));
    const graph = decoded.graph!;
    const gemm = graph.node!.find((n) => n.opType === 'Gemm' && n.input?.[1] === 'dense_2/kernel')!;
    gemm.attribute!.find((a) => a.name === 'transB')!.i = 1;
    const kernel = graph.initializer!.find((t) => t.name === 'dense_2/kernel')!;
    const [rows, cols] = kernel.dims!.map(Number);
    const raw = kernel.rawData!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const transposed = new Uint8Array(raw.length);
    const out = new DataView(transposed.buffer);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out.setFloat32((c * rows + r) * 4, view.getFloat32((r * cols + c) * 4, true), true);
    kernel.rawData = transposed;
    kernel.dims = [cols, rows];
    const imported = importClassifierOnnx(onnx.ModelProto.encode(decoded).finish(), 'transb.onnx');
    expectSameNetwork(model, imported, 1e-6, 1e-4);
    model.dispose();
  });

  it('widens a float16 file through its Casts (weights within half precision)', async () => {
    const model = buildTestModel('relu', { seed: 11 });
    const imported = importClassifierOnnx(await exported(model, 'half', { dtype: 'float16' }), 'half.onnx');
    expect(imported.dtype).toBe('float16');
    expectSameNetwork(model, imported, 5e-3, 5e-2);
    model.dispose();
  });
});

describe('importClassifierOnnx refuses what fine-tuning cannot start from, in one line', () => {
  it('int8 files, weight-only and dynamic', async () => {
    const model = buildTestModel('relu', { seed: 12 });
    for (const quantization of ['weight-only', 'dynamic'] as const) {
      const bytes = await exported(model, `int8-${quantization}`, { dtype: 'int8', quantization });
      expect(() => importClassifierOnnx(bytes, 'small-int8.onnx')).toThrow(new ModelImportError('small-int8.onnx', `fine-tuning starts from a float32 (or float16) model written by mnist-onnx; this one is int8 ${quantization}: export a float32 one with pnpm export`));
    }
    model.dispose();
  });

  it('a graph without mnist-onnx metadata, bytes that are not ONNX, and a hidden activation the trainer lacks', async () => {
    const model = buildTestModel('tanh', { seed: 13 });
    const bytes = await exported(model, 'tanh');
    const error = (() => {
      try {
        importClassifierOnnx(bytes, 'tanh.onnx');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ModelImportError);
    expect((error as ModelImportError).code).toBe('IMPORT_UNSUPPORTED');
    expect((error as Error).message).toBe('tanh.onnx: fine-tuning starts from a float32 (or float16) model written by mnist-onnx; this one applies Tanh after a hidden layer, which the trainer does not train (it trains Relu, LeakyRelu, Selu, Softplus): train one with a supported activation');

    const foreign = onnx.ModelProto.decode(bytes);
    foreign.metadataProps = [];
    foreign.producerName = 'pytorch';
    expect(() => importClassifierOnnx(onnx.ModelProto.encode(foreign).finish(), 'torch.onnx')).toThrow(/^torch\.onnx: fine-tuning starts from .*; this one was written by "pytorch" without mnist-onnx metadata: open or export a model written by mnist-onnx$/);
    expect(() => importClassifierOnnx(new TextEncoder().encode('not a model at all'), 'notes.txt')).toThrow(/^notes\.txt: is not an ONNX model/);
    model.dispose();
  });
});
