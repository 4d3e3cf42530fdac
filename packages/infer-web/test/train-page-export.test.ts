import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToOnnx, readTfjsModel, useCpuBackend } from '@mnist-onnx/export';
import { buildModel, presetHyperparameters, saveLayersModel } from '@mnist-onnx/train';
import { exportPageModel } from '../src/app/train/page-export.js';
import { readClassifierMetadata } from '@mnist-onnx/mnist';

// The page exports with the export package's own steps. Here, in Node, the same model goes both
// ways — the page's (from the live tfjs model) and pnpm export's (from model.json + weights.bin
// on disk) — and the two ONNX graphs must be the same, weight for weight.
const { onnx } = onnxProto;
let root: string;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'page-export-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const graphOf = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes);

describe("the page's export", () => {
  for (const preset of ['default', 'seed', 'leaky'] as const) {
    it(`builds the graph pnpm export builds from the saved files (${preset})`, async () => {
      const hp = preset === 'leaky' ? { ...presetHyperparameters('default'), activation: 'leaky-relu' as const } : presetHyperparameters(preset);
      const model = buildModel({ ...hp, seed: 7 });
      const dir = join(root, preset);
      await saveLayersModel(model, dir);
      const files = await readTfjsModel(dir);
      const fromFiles = graphOf(convertToOnnx(files).built.bytes);
      const page = await exportPageModel(model, { file: 'the page', testAccuracy: 0.9, datasetId: 'embedded', preset, finishedAt: '2026-12-01T00:00:00.000Z' }, 'tfjs layers-model (trained in the page on cpu)');
      const fromPage = graphOf(page.built.bytes);
      expect(fromPage.graph!.node).toEqual(fromFiles.graph!.node);
      expect(fromPage.graph!.initializer).toEqual(fromFiles.graph!.initializer);
      expect(fromPage.graph!.input).toEqual(fromFiles.graph!.input);
      expect(fromPage.graph!.output).toEqual(fromFiles.graph!.output);
      // The same weights, hashed the same way as weights.bin.
      const read = readClassifierMetadata(page.metadata);
      if (!read.found) throw new Error(`no classifier metadata: ${read.problem}`);
      expect(read.metadata.source?.weightsSha256).toBe(files.weightsSha256);
      expect(read.metadata.producer).toBe('mnist-onnx page (Train panel)');
      expect(read.metadata.training?.preset).toBe(preset);
      model.dispose();
    });
  }

  it('refuses a model the ONNX graph cannot express, naming the page as the source', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [784], activation: 'elu' })] });
    await expect(exportPageModel(model, { file: 'the page', testAccuracy: undefined, datasetId: undefined, preset: undefined, finishedAt: undefined }, 'tfjs')).rejects.toThrow(/^the model trained in this page: layer "dense_\w+" \(Dense\) uses activation "elu", which is not supported/);
    model.dispose();
  });
});
