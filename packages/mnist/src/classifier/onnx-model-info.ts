import { ModelLoadError } from './model-errors.js';

/**
 * The one ONNX reader: what `pnpm infer` and the page read from the file itself (onnxruntime
 * exposes neither metadata_props nor the graph). A dependency-free protobuf walker, so the page
 * does not carry a protobuf library for a handful of fields. Only writing a model (export) or
 * rewriting one (Node inlining external data) needs a full codec.
 */
export interface OnnxModelInfo {
  producer: string;
  opsetVersion: number;
  /** `metadata_props` as a plain object (empty when the model has none). */
  metadata: Record<string, string>;
  /** Operator type of the node producing each graph output (e.g. `Softmax`), by output name. */
  outputOps: Record<string, string>;
  /**
   * Graph initializers whose values live in a side file (`data_location: EXTERNAL`), by name:
   * bytes alone do not run them; a reader that has the model's folder must bring the data in.
   */
  externalInitializers: string[];
}

// Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto, …).
const MODEL = { producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8, metadataProps: 14 };
const GRAPH = { node: 1, initializer: 5, output: 12 };
const NODE = { output: 2, opType: 4 };
const TENSOR = { name: 8, dataLocation: 14 };
const DATA_LOCATION_EXTERNAL = 1;
const NAME = 1;
const OPSET = { domain: 1, version: 2 };
const ENTRY = { key: 1, value: 2 };

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/**
 * Why bytes are not an ONNX model: the protobuf itself is broken (`protobuf`), or it parses but
 * holds no model (`model`). The cause of the ModelLoadError readOnnxModelInfo raises.
 */
export class OnnxFormatError extends Error {
  readonly kind: 'protobuf' | 'model';
  constructor(kind: 'protobuf' | 'model', message: string) {
    super(message);
    this.kind = kind;
  }
}

class WireError extends OnnxFormatError {
  constructor(message: string) {
    super('protobuf', message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A minimal protobuf walker: yields (field, wire type, value) for each field of a message.
 * Length-delimited values come back as subarrays (no copies); varints as numbers.
 */
function* fields(bytes: Uint8Array): Generator<{ field: number; wire: number; bytes?: Uint8Array; value?: number }> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new WireError('truncated varint');
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new WireError('varint too long');
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw new WireError('field number 0');
    switch (wire) {
      case WIRE_VARINT:
        yield { field, wire, value: varint() };
        break;
      case WIRE_FIXED64:
      case WIRE_FIXED32: {
        const size = wire === WIRE_FIXED64 ? 8 : 4;
        if (pos + size > bytes.length) throw new WireError('truncated fixed-size field');
        pos += size;
        yield { field, wire };
        break;
      }
      case WIRE_BYTES: {
        const length = varint();
        if (pos + length > bytes.length) throw new WireError(`field ${field} runs past the end of the data`);
        yield { field, wire, bytes: bytes.subarray(pos, pos + length) };
        pos += length;
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wire}`);
    }
  }
}

const text = (b: Uint8Array | undefined) => (b ? utf8.decode(b) : '');

/** An initializer's name when its data lives in a side file, else undefined. */
function externalTensorName(bytes: Uint8Array): string | undefined {
  let name = '';
  let external = false;
  for (const t of fields(bytes)) {
    if (t.field === TENSOR.name) name = text(t.bytes);
    else if (t.field === TENSOR.dataLocation) external = t.value === DATA_LOCATION_EXTERNAL;
  }
  return external ? name : undefined;
}

function readEntry(bytes: Uint8Array): [string, string] {
  let key = '';
  let value = '';
  for (const f of fields(bytes)) {
    if (f.field === ENTRY.key) key = text(f.bytes);
    else if (f.field === ENTRY.value) value = text(f.bytes);
  }
  return [key, value];
}

/**
 * Reads producer, opset, metadata_props and graph output producers from ONNX bytes. It also
 * rejects files that are not ONNX models (a protobuf with no graph, nodes, outputs or opset)
 * with a message naming the file, before onnxruntime sees them.
 */
export function readOnnxModelInfo(bytes: Uint8Array, file: string): OnnxModelInfo {
  if (bytes.length === 0) throw new ModelLoadError(file, 'the file is empty');
  try {
    let producerName = '';
    let producerVersion = '';
    let opsetVersion = 0;
    let hasOpset = false;
    let graph: Uint8Array | undefined;
    const metadata: Record<string, string> = {};
    for (const f of fields(bytes)) {
      if (f.wire !== WIRE_BYTES) continue;
      if (f.field === MODEL.producerName) producerName = text(f.bytes);
      else if (f.field === MODEL.producerVersion) producerVersion = text(f.bytes);
      else if (f.field === MODEL.graph) graph = f.bytes;
      else if (f.field === MODEL.metadataProps) {
        const [key, value] = readEntry(f.bytes!);
        metadata[key] = value;
      } else if (f.field === MODEL.opsetImport) {
        hasOpset = true;
        let domain = '';
        let version = 0;
        for (const o of fields(f.bytes!)) {
          if (o.field === OPSET.domain) domain = text(o.bytes);
          else if (o.field === OPSET.version) version = o.value ?? 0;
        }
        if (domain === '' || domain === 'ai.onnx' || opsetVersion === 0) opsetVersion = version;
      }
    }
    if (!graph || !hasOpset) throw new OnnxFormatError('model', 'no graph or opset in it');
    const producers: Record<string, string> = {};
    const outputs: string[] = [];
    const externalInitializers: string[] = [];
    for (const g of fields(graph)) {
      if (g.wire !== WIRE_BYTES) continue;
      if (g.field === GRAPH.node) {
        let opType = '';
        const nodeOutputs: string[] = [];
        for (const n of fields(g.bytes!)) {
          if (n.field === NODE.opType) opType = text(n.bytes);
          else if (n.field === NODE.output) nodeOutputs.push(text(n.bytes));
        }
        for (const name of nodeOutputs) producers[name] = opType;
      } else if (g.field === GRAPH.output) {
        for (const v of fields(g.bytes!)) if (v.field === NAME) outputs.push(text(v.bytes));
      } else if (g.field === GRAPH.initializer) {
        const external = externalTensorName(g.bytes!);
        if (external !== undefined) externalInitializers.push(external);
      }
    }
    if (outputs.length === 0 || Object.keys(producers).length === 0) throw new OnnxFormatError('model', 'its graph has no nodes or outputs');
    return {
      producer: [producerName, producerVersion].filter(Boolean).join(' '),
      opsetVersion,
      metadata,
      outputOps: Object.fromEntries(outputs.map((name) => [name, producers[name] ?? ''])),
      externalInitializers,
    };
  } catch (error) {
    if (!(error instanceof OnnxFormatError)) throw error;
    throw new ModelLoadError(file, `not an ONNX model (${error.message})`, { cause: error });
  }
}
