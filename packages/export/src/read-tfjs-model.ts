import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ModelJsonError, NonFiniteWeightError, WeightFileError, WeightShapeError } from './errors.js';
import type { Weight } from './weight.js';

/** One entry of `weightsManifest[].weights` in a tfjs `model.json`. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export type { Weight } from './weight.js';

/** A tfjs LayersModel as stored on disk, every part checked. */
export interface TfjsModelFiles {
  dir: string;
  modelJsonPath: string;
  /** `modelTopology` exactly as in model.json (interpreted by ./topology.ts). */
  modelTopology: Record<string, unknown>;
  /** All weight specs, in manifest order. */
  weightSpecs: WeightSpec[];
  /** All shards concatenated in manifest order: what `tf.io.fromMemory` expects. */
  weightData: ArrayBuffer;
  weights: Map<string, Weight>;
  /** SHA-256 of `weightData`: identifies the trained weights whatever the sharding. */
  weightsSha256: string;
  /** `generatedBy` / `keras_version`, when the file says. */
  generatedBy: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `model.json` and its weight shards from `dir` (or from a model.json path) and checks
 * them: valid JSON with `modelTopology` and `weightsManifest`, float32 weights only, every
 * shard present and exactly as long as the manifest says, no NaN or Infinity anywhere.
 */
export async function readTfjsModel(dirOrFile: string): Promise<TfjsModelFiles> {
  const modelJsonPath = await locateModelJson(dirOrFile);
  const dir = resolve(modelJsonPath, '..');
  const json = await readModelJson(modelJsonPath);

  const modelTopology = json.modelTopology;
  if (!isRecord(modelTopology)) throw new ModelJsonError(modelJsonPath, '"modelTopology" is missing or not an object (is this a tfjs LayersModel?)');
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelJsonError(modelJsonPath, `format is "${String(json.format)}"; only tfjs "layers-model" files can be exported (graph models carry no layer structure)`);
  }
  const groups = parseManifest(modelJsonPath, json.weightsManifest);

  const weightSpecs: WeightSpec[] = [];
  const weights = new Map<string, Weight>();
  const chunks: Uint8Array[] = [];
  for (const group of groups) {
    const shards = await Promise.all(group.paths.map((path) => readShard(dir, modelJsonPath, path)));
    const groupBytes = shards.reduce((sum, shard) => sum + shard.bytes.length, 0);
    const needed = group.weights.reduce((sum, spec) => sum + byteLength(spec), 0);
    const lastFile = shards.length ? shards[shards.length - 1].file : modelJsonPath;
    if (groupBytes < needed) {
      const cut = firstWeightBeyond(group.weights, groupBytes);
      throw new WeightFileError(lastFile, `too short: ${groupBytes} bytes, but the manifest's weights need ${needed} (the data ends inside "${cut.name}" ${JSON.stringify(cut.shape)}); the file is truncated or belongs to another model`);
    }
    if (groupBytes > needed) {
      throw new WeightFileError(lastFile, `too long: ${groupBytes} bytes, but the manifest's weights need only ${needed}; the shard belongs to another model or the manifest is incomplete`);
    }
    const data = concat(shards.map((s) => s.bytes));
    let offset = 0;
    for (const spec of group.weights) {
      const file = shardAt(shards, offset);
      const values = decodeFloat32(data, offset, spec.shape.reduce((a, b) => a * b, 1));
      checkFinite(file, spec, values);
      if (weights.has(spec.name)) throw new WeightShapeError(modelJsonPath, `weight "${spec.name}" appears twice in weightsManifest`);
      weights.set(spec.name, { name: spec.name, shape: spec.shape, values, file });
      weightSpecs.push(spec);
      offset += byteLength(spec);
    }
    chunks.push(data);
  }
  const all = concat(chunks);
  return {
    dir,
    modelJsonPath,
    modelTopology,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
    weights,
    weightsSha256: createHash('sha256').update(all).digest('hex'),
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : typeof modelTopology.keras_version === 'string' ? modelTopology.keras_version : undefined,
  };
}

async function locateModelJson(dirOrFile: string): Promise<string> {
  const path = resolve(dirOrFile);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ModelJsonError(path, 'no such file or folder (train a model first with pnpm train, or pass --in <folder with model.json>)');
  }
  return info.isDirectory() ? join(path, 'model.json') : path;
}

async function readModelJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelJsonError(path, code === 'ENOENT' ? 'file not found (train a model first with pnpm train)' : `cannot read (${code ?? String(error)})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelJsonError(path, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isRecord(json)) throw new ModelJsonError(path, 'expected a JSON object with "modelTopology" and "weightsManifest"');
  return json;
}

interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

function parseManifest(file: string, manifest: unknown): ManifestGroup[] {
  if (!Array.isArray(manifest)) throw new ModelJsonError(file, '"weightsManifest" is missing or not an array');
  return manifest.map((group, g) => {
    const where = `weightsManifest[${g}]`;
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelJsonError(file, `${where} needs "paths" and "weights" arrays`);
    }
    const paths = group.paths.map((path, p) => {
      if (typeof path !== 'string' || path === '') throw new ModelJsonError(file, `${where}.paths[${p}] is not a file name`);
      return path;
    });
    const weights = group.weights.map((spec, w): WeightSpec => {
      const at = `${where}.weights[${w}]`;
      if (!isRecord(spec) || typeof spec.name !== 'string') throw new ModelJsonError(file, `${at} has no "name"`);
      const shape = spec.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new ModelJsonError(file, `${at} ("${spec.name}") has an invalid shape ${JSON.stringify(shape)}`);
      }
      if (spec.quantization !== undefined) {
        throw new WeightShapeError(file, `weight "${spec.name}" is quantized (${JSON.stringify(spec.quantization)}); export a float32 model`);
      }
      if (spec.dtype !== 'float32') {
        throw new WeightShapeError(file, `weight "${spec.name}" has dtype ${JSON.stringify(spec.dtype)}; only float32 weights are supported`);
      }
      return { name: spec.name, shape: shape as number[], dtype: 'float32' };
    });
    return { paths, weights };
  });
}

interface Shard {
  file: string;
  bytes: Uint8Array;
}

async function readShard(dir: string, modelJsonPath: string, path: string): Promise<Shard> {
  // Manifest paths are relative URLs (tfjs may percent-encode them); fall back to the raw text.
  let name = path;
  try {
    name = decodeURIComponent(path);
  } catch {
    // not percent-encoded after all
  }
  const file = resolve(dir, name);
  try {
    return { file, bytes: await readFile(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `weight file not found (named in ${basename(modelJsonPath)})` : `cannot read weight file (${code ?? String(error)})`;
    throw new WeightFileError(file, problem, { cause: error });
  }
}

const byteLength = (spec: WeightSpec) => spec.shape.reduce((a, b) => a * b, 1) * Float32Array.BYTES_PER_ELEMENT;

function firstWeightBeyond(specs: WeightSpec[], available: number): WeightSpec {
  let end = 0;
  for (const spec of specs) {
    end += byteLength(spec);
    if (end > available) return spec;
  }
  return specs[specs.length - 1];
}

function shardAt(shards: Shard[], offset: number): string {
  let end = 0;
  for (const shard of shards) {
    end += shard.bytes.length;
    if (offset < end) return shard.file;
  }
  return shards[shards.length - 1]?.file ?? '';
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Reads little-endian float32s at any byte offset of `bytes` (itself possibly a view into a
 * larger buffer, as Node's pooled file buffers are): a DataView honours both offsets and the
 * byte order, where `new Float32Array(bytes.buffer, …)` would need 4-byte alignment.
 */
function decodeFloat32(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function checkFinite(file: string, spec: WeightSpec, values: Float32Array): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad === 0) return;
  const where = spec.shape.length === 2 ? `[${Math.floor(first / spec.shape[1])}, ${first % spec.shape[1]}]` : `[${first}]`;
  throw new NonFiniteWeightError(file, `weight "${spec.name}" holds ${bad} non-finite value(s), the first ${values[first]} at ${where}; the training diverged, retrain (e.g. with a lower learning rate)`);
}
