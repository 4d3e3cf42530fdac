import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceDirAtomic } from '@mnist-onnx/mnist/node';
import { ModelFileError } from './errors.js';

/** The file names tfjs's own `file://` handler (tfjs-node) uses, so either can read the other's. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface SaveModelOptions {
  /** More files to place in the folder in the same atomic swap (e.g. the training record). */
  extraFiles?: Record<string, string | Uint8Array>;
}

/**
 * Saves a LayersModel as `model.json` + `weights.bin` in `dir`: the standard tfjs format that
 * `tf.loadLayersModel` reads. tfjs has no file-system handler without tfjs-node, so this one
 * uses `tf.io.withSaveHandler`. The folder is filled under a temporary name beside `dir` and
 * then renamed over it: a crash leaves the previous model intact, never half of a new one.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(saved) };
  }));
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new ModelFileError(`${dir}: tfjs returned no topology or weights to save`);
  }
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
  };
  await replaceDirAtomic(dir, MODEL_JSON, async (temp) => {
    await writeFile(join(temp, MODEL_JSON), JSON.stringify(modelJson));
    await writeFile(join(temp, WEIGHTS_BIN), weights);
    for (const [name, data] of Object.entries(options.extraFiles ?? {})) await writeFile(join(temp, name), data);
  });
}

/**
 * Loads a LayersModel saved as `model.json` + weight files from a folder, with errors that
 * name the file and the problem (missing, not JSON, not a layers model, weights too short).
 */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, MODEL_JSON);
  const modelJson = parseModelJson(await readModelFile(jsonPath), jsonPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = tf.io.getWeightSpecs(manifest);
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const path of group.paths) {
        const bytes = await readModelFile(join(dir, path));
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
    }
    const data = tf.io.concatenateArrayBuffers(buffers);
    const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(s.dtype, jsonPath), 0);
    if (data.byteLength !== expected) {
      throw new ModelFileError(`${join(dir, manifest[0]?.paths[0] ?? WEIGHTS_BIN)}: weights are ${data.byteLength} bytes, ${jsonPath} describes ${expected}`);
    }
    return [specs, data];
  });
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new ModelFileError(`${jsonPath}: not a loadable tfjs layers model (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code})`, { cause: error });
  }
}

function parseModelJson(bytes: Uint8Array, path: string): tf.io.ModelJSON {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelFileError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const json = parsed as Partial<tf.io.ModelJSON> | null;
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ModelFileError(`${path}: not a tfjs model.json (needs modelTopology and weightsManifest)`);
  }
  return json as tf.io.ModelJSON;
}

function bytesPerElement(dtype: string, path: string): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'bool') return 1;
  throw new ModelFileError(`${path}: unsupported weight dtype ${dtype}`);
}
