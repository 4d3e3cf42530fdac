import { open, readFile, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { OnnxFormatError, readOnnxModelInfo, type OnnxModelInfo } from '@mnist-onnx/mnist';
import type { onnx as Onnx } from 'onnx-proto';
import { ModelLoadError } from './errors.js';

/** What we read from the ONNX file itself, beyond what ONNX Runtime reports. */
export interface ModelFile {
  path: string;
  /** The model as ONNX Runtime gets it: external data, if any, moved inside. */
  bytes: Uint8Array;
  /** `metadata_props` as a plain object (empty when the model has none). */
  metadata: Record<string, string>;
  producer: string;
  opsetVersion: number;
  /** Operator type of the node producing each graph output (e.g. `Softmax`), by output name. */
  outputOps: Record<string, string>;
}

/**
 * Reads an ONNX model through the project's one reader (readOnnxModelInfo, the protobuf walker
 * the page uses too). It catches files that are not ONNX before ONNX Runtime sees them, and gives
 * us `metadata_props`, which onnxruntime-node does not expose.
 */
export async function readModelFile(path: string): Promise<ModelFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'model file not found (run pnpm export, or pass --model FILE)'
      : code === 'EISDIR' ? 'is a folder; --model expects an .onnx file'
      : `cannot read the model (${code ?? String(error)})`;
    throw new ModelLoadError(path, problem, { cause: error });
  }
  const info = readInfo(bytes, path);
  if (info.externalInitializers.length > 0) bytes = await inlineExternalData(bytes, path);
  return { path, bytes, metadata: info.metadata, producer: info.producer, opsetVersion: info.opsetVersion, outputOps: info.outputOps };
}

/** The reader's answer, with `pnpm infer`'s own wording for a file that is not ONNX. */
function readInfo(bytes: Uint8Array, path: string): OnnxModelInfo {
  try {
    return readOnnxModelInfo(bytes, path);
  } catch (error) {
    const format = error instanceof ModelLoadError ? error.cause : undefined;
    if (!(format instanceof OnnxFormatError)) throw error;
    const problem = format.kind === 'protobuf' ? `protobuf decoding failed: ${format.message}` : 'no graph, nodes, outputs or opset in it';
    throw new ModelLoadError(path, `not an ONNX model (${problem})`, { cause: format });
  }
}

/** External data of all initializers together may not exceed this: the model is held in memory. */
export const MAX_EXTERNAL_DATA_BYTES = 512 * 2 ** 20;

/**
 * Moves the initializers' external data (weights stored in separate files) into the model, so
 * ONNX Runtime, which gets the model as bytes, never resolves a path itself: it would read it
 * against the working folder. Each location is read from the model's own folder, and one that
 * leaves it (absolute, `..`, a symlink out) is refused. Returns the model's new bytes.
 *
 * The one place that needs a full protobuf codec: moving data into tensors changes every
 * enclosing message's length, so the model is decoded and re-encoded with onnx-proto. It is
 * imported only here, for the rare model saved with external data.
 */
async function inlineExternalData(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  const { onnx } = (await import('onnx-proto')).default;
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelLoadError(path, `not an ONNX model (protobuf decoding failed: ${(error as Error).message})`, { cause: error });
  }
  const external = (model.graph?.initializer ?? []).filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
  const folder = await realpath(dirname(resolve(path)));
  let total = 0;
  for (const tensor of external) {
    const entries = Object.fromEntries((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const what = `initializer "${tensor.name}"`;
    const location = entries.location ?? '';
    if (!location || isAbsolute(location) || location.split(/[\\/]/).includes('..')) {
      throw new ModelLoadError(path, `${what} keeps its data at "${location}"; external data must be a file name inside the model's folder`);
    }
    let file: string;
    try {
      file = await realpath(resolve(folder, location));
    } catch (error) {
      throw new ModelLoadError(path, `${what}: its external data file ${location} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
    const inside = relative(folder, file);
    if (inside.startsWith(`..${sep}`) || isAbsolute(inside)) throw new ModelLoadError(path, `${what}: its external data ${location} leads outside the model's folder`);
    const offset = Number(entries.offset ?? 0);
    const length = entries.length === undefined ? undefined : Number(entries.length);
    total += length ?? 0;
    if (!(Number.isSafeInteger(offset) && offset >= 0) || (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) || total > MAX_EXTERNAL_DATA_BYTES) {
      throw new ModelLoadError(path, `${what}: external data offset ${entries.offset ?? 0} / length ${entries.length ?? '(rest of file)'} is not a readable range (at most ${MAX_EXTERNAL_DATA_BYTES} bytes in all)`);
    }
    tensor.rawData = await readRange(file, offset, length, path, what);
    total += length === undefined ? tensor.rawData.length : 0;
    if (total > MAX_EXTERNAL_DATA_BYTES) throw new ModelLoadError(path, `external data over ${MAX_EXTERNAL_DATA_BYTES} bytes in all`);
    tensor.externalData = [];
    tensor.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
  }
  return onnx.ModelProto.encode(model).finish();
}

async function readRange(file: string, offset: number, length: number | undefined, path: string, what: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const count = length ?? size - offset;
    if (offset + count > size || count < 0 || count > MAX_EXTERNAL_DATA_BYTES) {
      throw new ModelLoadError(path, `${what}: its external data file holds ${size} bytes, less than offset ${offset} + length ${count}`);
    }
    const bytes = new Uint8Array(count);
    await handle.read(bytes, 0, count, offset);
    return bytes;
  } finally {
    await handle.close();
  }
}
