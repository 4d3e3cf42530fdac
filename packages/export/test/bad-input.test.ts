import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Float16RangeError,
  ModelJsonError,
  NonFiniteWeightError,
  TrainingRecordError,
  UnsupportedModelError,
  WeightFileError,
  WeightShapeError,
  exportModel,
  useCpuBackend,
} from '../src/index.js';
import { buildTestModel, saveTfjsModel } from './support/tfjs-models.js';

let root: string;
let counter = 0;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'export-bad-input-'));
  // Nothing here may touch the user's artifacts folder.
  process.env.MNIST_ONNX_ARTIFACTS = join(root, 'artifacts');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh, valid model folder (784 → 24 relu → 10, one shard `weights.bin`). */
async function goodModel(model: tf.LayersModel = buildTestModel('relu')): Promise<string> {
  const dir = await saveTfjsModel(model, join(root, `model-${++counter}`));
  model.dispose();
  return dir;
}

/** The parts of model.json the tests below edit. */
interface ModelJson {
  modelTopology?: { config: { layers: { config: Record<string, unknown> }[] } };
  weightsManifest: { paths?: string[]; weights?: { shape: number[]; dtype: string }[] }[];
}

async function editModelJson(dir: string, edit: (json: ModelJson) => void): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelJson;
  edit(json);
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

/** Exports `dir` and returns the error; asserts that no ONNX file or report appeared. */
async function exportFails(dir: string, options: Parameters<typeof exportModel>[0] = {}): Promise<Error & { code: string }> {
  const out = join(dir, 'out', 'model.onnx');
  const error = await exportModel({ in: dir, out, ...options }).then(
    () => undefined,
    (e: unknown) => e as Error & { code: string },
  );
  expect(error, 'export should have failed').toBeInstanceOf(Error);
  expect(existsSync(out)).toBe(false);
  expect(existsSync(join(dir, 'out', 'export-report.json'))).toBe(false);
  return error!;
}

describe('unreadable model.json', () => {
  it('names a missing model folder and says how to get one', async () => {
    const error = await exportFails(join(root, 'nowhere'));
    expect(error).toBeInstanceOf(ModelJsonError);
    expect(error.code).toBe('EXPORT_MODEL_JSON');
    expect(error.message).toMatch(/nowhere: no such file or folder .*pnpm train/);
  });

  it('reports corrupt JSON with the file name and the parser message', async () => {
    const dir = await goodModel();
    const text = await readFile(join(dir, 'model.json'), 'utf8');
    await writeFile(join(dir, 'model.json'), text.slice(0, text.length / 2));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(ModelJsonError);
    expect(error.message).toContain(join(dir, 'model.json'));
    expect(error.message).toMatch(/not valid JSON \(.+\)/);
  });

  it('rejects JSON that is not a LayersModel', async () => {
    const dir = await goodModel();
    await editModelJson(dir, (json) => delete json.modelTopology);
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(ModelJsonError);
    expect(error.message).toMatch(/model\.json: "modelTopology" is missing/);
  });

  it('rejects a manifest without weight lists', async () => {
    const dir = await goodModel();
    await editModelJson(dir, (json) => (json.weightsManifest = [{ paths: ['weights.bin'] }]));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(ModelJsonError);
    expect(error.message).toMatch(/weightsManifest\[0\] needs "paths" and "weights" arrays/);
  });
});

describe('weight files', () => {
  it('names a missing shard', async () => {
    const dir = await goodModel();
    await rm(join(dir, 'weights.bin'));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(WeightFileError);
    expect(error.code).toBe('EXPORT_WEIGHT_FILE');
    expect(error.message).toBe(`${join(dir, 'weights.bin')}: weight file not found (named in model.json)`);
  });

  it('names a short shard and the weight the data ends in', async () => {
    const dir = await goodModel();
    await truncate(join(dir, 'weights.bin'), (784 * 24 + 24 + 25) * 4);
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(WeightFileError);
    expect(error.message).toMatch(/weights\.bin: too short: 75460 bytes, but the manifest's weights need 76360 \(the data ends inside "dense_2\/kernel" \[24,10\]\)/);
  });

  it('rejects a shard with extra bytes', async () => {
    const dir = await goodModel();
    await appendFile(join(dir, 'weights.bin'), new Uint8Array(8));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(WeightFileError);
    expect(error.message).toMatch(/weights\.bin: too long: 76368 bytes, but the manifest's weights need only 76360/);
  });

  it('rejects a manifest shape that does not fit its layer', async () => {
    const dir = await goodModel();
    // Same number of floats, so the shard length still matches: only the shape check can catch it.
    await editModelJson(dir, (json) => (json.weightsManifest[0].weights![0].shape = [24, 784]));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(WeightShapeError);
    expect(error.code).toBe('EXPORT_WEIGHT_SHAPE');
    expect(error.message).toMatch(/model\.json: weight "dense_1\/kernel" has shape \[24,784\], but layer "dense_1" needs \[784,24\]/);
  });

  it('rejects a layer whose units disagree with its weights', async () => {
    const dir = await goodModel();
    await editModelJson(dir, (json) => (json.modelTopology!.config.layers[1].config.units = 12));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(WeightShapeError);
    expect(error.message).toMatch(/weight "dense_2\/kernel" has shape \[24,10\], but layer "dense_2" needs \[24,12\]/);
  });

  it('rejects non-float32 weights', async () => {
    const dir = await goodModel();
    await editModelJson(dir, (json) => (json.weightsManifest[0].weights![1].dtype = 'int32'));
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(WeightShapeError);
    expect(error.message).toMatch(/weight "dense_1\/bias" has dtype "int32"; only float32 weights are supported/);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects %s in a weight and says where it is', async (label, value) => {
    const dir = await goodModel();
    const bytes = await readFile(join(dir, 'weights.bin'));
    // dense_1/kernel is [784, 24]; element [3, 5] sits at float index 3 * 24 + 5.
    bytes.writeFloatLE(value, (3 * 24 + 5) * 4);
    await writeFile(join(dir, 'weights.bin'), bytes);
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(NonFiniteWeightError);
    expect(error.code).toBe('EXPORT_NON_FINITE_WEIGHT');
    expect(error.message).toBe(
      `${join(dir, 'weights.bin')}: weight "dense_1/kernel" holds 1 non-finite value(s), the first ${label} at [3, 5]; the training diverged, retrain (e.g. with a lower learning rate)`,
    );
  });
});

describe('unsupported models', () => {
  it('names an unsupported layer, its class and what is supported', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 16, inputShape: [784], name: 'dense_1' }),
        tf.layers.batchNormalization({ name: 'batch_norm_1' }),
        tf.layers.dense({ units: 10, name: 'dense_2' }),
      ],
    });
    const error = await exportFails(await goodModel(model));
    expect(error).toBeInstanceOf(UnsupportedModelError);
    expect(error.code).toBe('EXPORT_UNSUPPORTED');
    expect(error.message).toMatch(
      /layer "batch_norm_1" has class BatchNormalization, which is not supported; supported layers: InputLayer, Flatten, Reshape, Dense, Activation, LeakyReLU, ReLU, Softmax; supported activations: relu, selu, softplus, sigmoid, tanh, softmax, linear/,
    );
  });

  it('names an unsupported activation and its layer', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, inputShape: [784], activation: 'elu', name: 'dense_1' }), tf.layers.dense({ units: 10, name: 'dense_2' })] });
    const error = await exportFails(await goodModel(model));
    expect(error).toBeInstanceOf(UnsupportedModelError);
    expect(error.message).toMatch(/layer "dense_1" \(Dense\) uses activation "elu", which is not supported; supported layers: .*supported activations: relu, selu/);
  });

  it('rejects a functional model that branches', async () => {
    const input = tf.input({ shape: [784], name: 'in' });
    const a = tf.layers.dense({ units: 8, name: 'branch_a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 8, name: 'branch_b' }).apply(input) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: 'joined' }).apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 10, name: 'out' }).apply(joined) as tf.SymbolicTensor;
    const error = await exportFails(await goodModel(tf.model({ inputs: input, outputs: out })));
    expect(error).toBeInstanceOf(UnsupportedModelError);
    expect(error.message).toMatch(/layer "joined" \(Concatenate\) merges 2 inputs \(branch_a, branch_b\); only a simple chain of layers can be exported/);
  });

  it('rejects a model that is not 784 → 10', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [100], name: 'dense_1' })] });
    const error = await exportFails(await goodModel(model));
    expect(error).toBeInstanceOf(UnsupportedModelError);
    expect(error.message).toMatch(/input shape is \[100\] \(100 values\); an MNIST model takes 784 pixels/);
  });

  it('refuses float16 when a weight is beyond half precision', async () => {
    const dir = await goodModel();
    const bytes = await readFile(join(dir, 'weights.bin'));
    bytes.writeFloatLE(1e6, 0);
    await writeFile(join(dir, 'weights.bin'), bytes);
    const error = await exportFails(dir, { dtype: 'float16', foldNormalization: false });
    expect(error).toBeInstanceOf(Float16RangeError);
    expect(error.message).toMatch(/weight "dense_1\/kernel" holds 1000000, beyond float16's range \(±65504\); export as float32/);
    const folded = await exportFails(dir, { dtype: 'float16' });
    expect(folded.message).toMatch(/holds 3245699\.\d+ \(after folding in the input normalisation\), beyond float16's range/);
  });
});

describe('training record', () => {
  it('rejects a corrupt training-record.json instead of dropping the provenance', async () => {
    const dir = await goodModel();
    await writeFile(join(dir, 'training-record.json'), '{"testAccuracy": 0.97,');
    const error = await exportFails(dir);
    expect(error).toBeInstanceOf(TrainingRecordError);
    expect(error.code).toBe('EXPORT_TRAINING_RECORD');
    expect(error.message).toMatch(/training-record\.json: not valid JSON \(.+\); fix or delete it/);
  });
});
