import { readFile } from 'node:fs/promises';
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
