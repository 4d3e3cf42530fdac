import { open, readFile, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import onnxProto from 'onnx-proto';
import { ModelLoadError } from './errors.js';

const { onnx } = onnxProto;

/** What we read from the ONNX file itself, beyond what ONNX Runtime reports. */
export interface ModelFile {
  path: string;
  bytes: Uint8Array;
  /** `metadata_props` as a plain object (empty when the model has none). */
  metadata: Record<string, string>;
  producer: string;
  opsetVersion: number;
  /** Operator type of the node producing each graph output (e.g. `Softmax`), by output name. */
  outputOps: Record<string, string>;
}

/**
 * Reads and decodes an ONNX model. The protobuf decode catches files that are not ONNX before
 * ONNX Runtime sees them, and gives us `metadata_props`, which onnxruntime-node does not expose.
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
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelLoadError(path, `not an ONNX model (protobuf decoding failed: ${(error as Error).message})`, { cause: error });
  }
  const inlined = await inlineExternalData(model, path);
  if (inlined) bytes = onnx.ModelProto.encode(model).finish();
  const nodes = model.graph?.node ?? [];
  const outputs = model.graph?.output ?? [];
  if (nodes.length === 0 || outputs.length === 0 || model.opsetImport.length === 0) {
    throw new ModelLoadError(path, 'not an ONNX model (no graph, nodes, outputs or opset in it)');
  }
  const producedBy: Record<string, string> = {};
  for (const node of nodes) for (const output of node.output ?? []) producedBy[output] = node.opType ?? '';
  const defaultDomain = model.opsetImport.find((o) => !o.domain) ?? model.opsetImport[0];
  return {
    path,
    bytes,
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value])),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsetVersion: Number(defaultDomain.version),
    outputOps: Object.fromEntries(outputs.map((o) => [o.name ?? '', producedBy[o.name ?? ''] ?? ''])),
  };
}

/** External data of all initializers together may not exceed this: the model is held in memory. */
export const MAX_EXTERNAL_DATA_BYTES = 512 * 2 ** 20;

/**
 * Moves the initializers' external data (weights stored in separate files) into the model, so
 * ONNX Runtime, which gets the model as bytes, never resolves a path itself: it would read it
 * against the working folder. Each location is read from the model's own folder, and one that
 * leaves it (absolute, `..`, a symlink out) is refused. Returns whether anything was moved.
 */
async function inlineExternalData(model: InstanceType<typeof onnx.ModelProto>, path: string): Promise<boolean> {
  const external = (model.graph?.initializer ?? []).filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
  if (external.length === 0) return false;
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
  return true;
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
