import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareScores, convertToOnnx, inspectOnnx, readTfjsModel, runOnnx, useCpuBackend, type ConvertOptions } from '../src/index.js';
import { buildTestModel, normalize, randomPixels, saveTfjsModel, tfjsPredict, type TestActivation } from './support/tfjs-models.js';

const COUNT = 64;
let root: string;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'export-round-trip-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Saves the model to disk, converts the files, and runs the ONNX bytes in onnxruntime-node. */
async function roundTrip(model: tf.LayersModel, name: string, options: ConvertOptions = {}) {
  const dir = await saveTfjsModel(model, join(root, name));
  const converted = convertToOnnx(await readTfjsModel(dir), options);
  const pixels = randomPixels(COUNT, 11);
  const normalized = normalize(pixels);
  const fold = options.foldNormalization ?? true;
  const outputs = await runOnnx(converted.built.bytes, fold ? pixels : normalized, COUNT, 784, converted.built.outputs);
  const reference = tfjsPredict(model, normalized, COUNT);
  return { converted, outputs, reference, comparison: compareScores(reference, outputs[converted.comparableOutput], 10) };
}

const ACTIVATIONS: TestActivation[] = ['relu', 'leaky-relu', 'selu', 'softplus', 'sigmoid', 'tanh', 'softmax', 'linear'];

describe('float32 export reproduces tfjs for every activation', () => {
  for (const activation of ACTIVATIONS) {
    for (const fold of [true, false]) {
      it(`${activation}, normalisation ${fold ? 'folded' : 'not folded'}: |Δ| ≤ 1e-4 and same argmax`, async () => {
        const model = buildTestModel(activation, { seed: ACTIVATIONS.indexOf(activation) + 3 });
        const { comparison, converted } = await roundTrip(model, `${activation}-${fold}`, { foldNormalization: fold });
        expect(comparison.maxAbsDiff).toBeLessThanOrEqual(1e-4);
        expect(comparison.agreement).toBe(COUNT);
        const expectedOp = { relu: 'Relu', 'leaky-relu': 'LeakyRelu', selu: 'Selu', softplus: 'Softplus', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax', linear: undefined }[activation];
        // Two Gemms and the one activation op, nothing else (a linear layer adds no node).
        expect(converted.built.ops).toEqual(expectedOp ? { Gemm: 2, [expectedOp]: 1 } : { Gemm: 2 });
        model.dispose();
      });
    }
  }

  it("keeps LeakyReLU's alpha instead of ONNX's default 0.01", async () => {
    const model = buildTestModel('leaky-relu', { alpha: 0.05 });
    const { converted, comparison } = await roundTrip(model, 'leaky-alpha');
    const node = inspectOnnx(converted.built.bytes).nodes.find((n) => n.opType === 'LeakyRelu');
    expect(node?.attributes.alpha).toBeCloseTo(0.05, 7);
    expect(comparison.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });

  it('handles a Flatten from [28, 28], a final ReLU, and weights split over several shards', async () => {
    const model = buildTestModel('relu', { inputShape: [28, 28], final: 'relu' });
    const dir = await saveTfjsModel(model, join(root, 'sharded'), 4096);
    const files = await readTfjsModel(dir);
    const converted = convertToOnnx(files);
    const pixels = randomPixels(COUNT, 5);
    const onnx = await runOnnx(converted.built.bytes, pixels, COUNT, 784, ['logits']);
    const comparison = compareScores(tfjsPredict(model, normalize(pixels), COUNT), onnx.logits, 10);
    expect(comparison.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(converted.built.ops).toEqual({ Gemm: 2, Relu: 2 });
    model.dispose();
  });

  it('translates a functional Model that is a simple chain', async () => {
    const input = tf.input({ shape: [784], name: 'pixels_in' });
    const hidden = tf.layers.dense({ units: 16, activation: 'tanh', name: 'hidden', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 10, name: 'scores', kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const { comparison, converted } = await roundTrip(model, 'functional');
    expect(comparison.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const names = inspectOnnx(converted.built.bytes).initializers.map((t) => t.name);
    expect(names).toEqual(['hidden/kernel', 'hidden/bias', 'scores/kernel', 'scores/bias']);
    model.dispose();
  });
});

describe('graph shape', () => {
  it('pins IR 8 / opset 13, names input and output, uses a symbolic batch and Gemm with transB = 0', async () => {
    const model = buildTestModel('relu');
    const { converted } = await roundTrip(model, 'shape');
    const onnx = inspectOnnx(converted.built.bytes);
    expect(onnx.irVersion).toBe(8);
    expect(onnx.opsets).toEqual([{ domain: '', version: 13 }]);
    expect(onnx.inputs).toEqual([{ name: 'pixels', elemType: 1, dims: ['N', 784] }]);
    expect(onnx.outputs).toEqual([{ name: 'logits', elemType: 1, dims: ['N', 10] }]);
    for (const gemm of onnx.nodes.filter((n) => n.opType === 'Gemm')) expect(gemm.attributes).toEqual({ alpha: 1, beta: 1, transA: 0, transB: 0 });
    expect(onnx.nodes.map((n) => n.name)).toEqual(['dense_1/Gemm', 'dense_1/Relu', 'dense_2/Gemm']);
    expect(onnx.docString).toMatch(/MNIST handwritten-digit classifier.*784-24-10.*\[0,1\]/);
    // Initializers hold exactly the tfjs floats (no transpose) when nothing is folded.
    const unfolded = convertToOnnx(await readTfjsModel(join(root, 'shape')), { foldNormalization: false });
    const kernel = inspectOnnx(unfolded.built.bytes).initializers[0];
    const raw = kernel.rawData;
    const stored = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    expect(kernel.dims).toEqual([784, 24]);
    expect(stored).toEqual(model.layers[0].getWeights()[0].dataSync());
    model.dispose();
  });

  it('is deterministic: the same model gives the same bytes', async () => {
    const model = buildTestModel('tanh');
    const dir = await saveTfjsModel(model, join(root, 'deterministic'));
    const first = convertToOnnx(await readTfjsModel(dir)).built.bytes;
    const second = convertToOnnx(await readTfjsModel(dir)).built.bytes;
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    model.dispose();
  });

  it('--probabilities adds a Softmax output whose rows are the softmax of the logits', async () => {
    const model = buildTestModel('relu');
    const { outputs, converted, comparison } = await roundTrip(model, 'probabilities', { probabilities: true });
    expect(converted.built.outputs).toEqual(['logits', 'probabilities']);
    expect(comparison.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const expected = tf.tidy(() => tf.softmax(tf.tensor2d(outputs.logits, [COUNT, 10])).dataSync());
    for (let i = 0; i < expected.length; i++) expect(outputs.probabilities[i]).toBeCloseTo(expected[i], 6);
    model.dispose();
  });

  it('a model ending in softmax exposes the logits before it and the probabilities', async () => {
    const model = buildTestModel('relu', { final: 'softmax' });
    const { converted, comparison } = await roundTrip(model, 'final-softmax');
    expect(converted.built.outputs).toEqual(['logits', 'probabilities']);
    expect(converted.comparableOutput).toBe('probabilities');
    expect(comparison.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(comparison.agreement).toBe(COUNT);
    model.dispose();
  });
});

describe('float16 export', () => {
  it('stores half-precision weights, casts them to float32 inside, still takes float32 pixels', async () => {
    const model = buildTestModel('relu', { hidden: 64 });
    const { converted, comparison } = await roundTrip(model, 'half', { dtype: 'float16' });
    const onnx = inspectOnnx(converted.built.bytes);
    expect(onnx.initializers.every((t) => t.dataType === 10 && t.rawData.length === 2 * t.dims.reduce((x, y) => x * y, 1))).toBe(true);
    expect(onnx.nodes.filter((n) => n.opType === 'Cast')).toHaveLength(4);
    expect(onnx.inputs[0].elemType).toBe(1);
    expect(onnx.outputs[0].elemType).toBe(1);
    // Half precision moves logits a little (looser bar than float32), but not the predictions.
    expect(comparison.maxAbsDiff).toBeGreaterThan(0);
    expect(comparison.maxAbsDiff).toBeLessThan(2e-2);
    expect(comparison.agreement).toBe(COUNT);
    const full = convertToOnnx(await readTfjsModel(join(root, 'half')));
    expect(converted.built.bytes.length).toBeLessThan(0.55 * full.built.bytes.length);
    model.dispose();
  });
});
