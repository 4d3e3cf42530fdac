import { readdirSync, readlinkSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, loadLayersModel, ModelFileError, presetHyperparameters, saveLayersModel, selectBackend } from '../src/index.js';
import { tempDir } from './helpers.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

async function savedModel(): Promise<{ dir: string; model: tf.LayersModel }> {
  const model = buildModel({ ...presetHyperparameters('default'), activation: 'leaky-relu', seed: 11 });
  const dir = join(tempDir(), 'tfjs');
  await saveLayersModel(model, dir, { extraFiles: { 'training-record.json': '{"ok":true}\n' } });
  return { dir, model };
}

describe('loadLayersModel: bad model folders', () => {
  it('a folder without model.json', async () => {
    const dir = tempDir();
    const error = await loadLayersModel(dir).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.code).toBe('MODEL_FILE');
    expect(error.message).toBe(`${join(dir, 'model.json')}: no such file`);
  });

  it('model.json that is not JSON', async () => {
    const { dir } = await savedModel();
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadLayersModel(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'model.json')}: not valid JSON`));
  });

  it('JSON that is not a tfjs model', async () => {
    const { dir } = await savedModel();
    writeFileSync(join(dir, 'model.json'), '{"hello": 1}');
    await expect(loadLayersModel(dir)).rejects.toThrow(`${join(dir, 'model.json')}: not a tfjs model.json (needs modelTopology and weightsManifest)`);
  });

  it('weights.bin cut short', async () => {
    const { dir } = await savedModel();
    const weights = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 1000));
    const error = await loadLayersModel(dir).catch((e) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toBe(`${join(dir, 'weights.bin')}: weights are 1000 bytes, ${join(dir, 'model.json')} describes ${weights.byteLength}`);
  });

  it('weights.bin missing', async () => {
    const { dir } = await savedModel();
    writeFileSync(join(dir, 'model.json'), readFileSync(join(dir, 'model.json'), 'utf8').replace('weights.bin', 'other.bin'));
    await expect(loadLayersModel(dir)).rejects.toThrow(`${join(dir, 'other.bin')}: no such file`);
  });
});

describe('saveLayersModel', () => {
  it('writes model.json + weights.bin that tf.loadLayersModel reads back with identical weights and outputs', async () => {
    const { dir, model } = await savedModel();
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'training-record.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
      'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'dense_3/kernel', 'dense_3/bias',
    ]);
    const loaded = await loadLayersModel(dir);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    loaded.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(model.getWeights()[i].dataSync())));
    const x = tf.randomNormal([4, 784], 0, 1, 'float32', 1);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    // And through tfjs's own loader, with the standard in-memory handler.
    const viaTfjs = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer,
    }));
    expect(viaTfjs.countParams()).toBe(784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
    [model, loaded, viaTfjs].forEach((m) => m.dispose());
    x.dispose();
  });

  it('leaves the previous model intact when a save of a different model fails halfway', async () => {
    const { dir, model } = await savedModel();
    const weightsBefore = readFileSync(join(dir, 'weights.bin'));
    const jsonBefore = readFileSync(join(dir, 'model.json'));
    mkdirSync(join(dir, 'x'));
    // A different model (other seed and activation), so a writer that replaced files in place
    // before failing would leave different bytes behind.
    const other = buildModel({ ...presetHyperparameters('default'), activation: 'relu', seed: 12 });
    const otherWeights = Buffer.concat(other.getWeights().map((w) => {
      const values = w.dataSync() as Float32Array;
      return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    }));
    expect(otherWeights.byteLength).toBe(weightsBefore.byteLength);
    expect(otherWeights.equals(weightsBefore)).toBe(false);
    // An extra file in a missing sub-folder makes the fill step fail after the weights were written.
    await expect(saveLayersModel(other, dir, { extraFiles: { 'missing/record.json': '{}' } })).rejects.toThrow(/ENOENT/);
    expect(readFileSync(join(dir, 'weights.bin')).equals(weightsBefore)).toBe(true);
    expect(readFileSync(join(dir, 'model.json')).equals(jsonBefore)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'training-record.json', 'weights.bin', 'x']);
    // Nothing left beside it either: no temporary or moved-aside folder, only the version the
    // folder's link points at (see atomic-output.ts).
    expect(readdirSync(join(dir, '..')).sort()).toEqual([readlinkSync(dir), 'tfjs']);
    [model, other].forEach((m) => m.dispose());
  });
});
