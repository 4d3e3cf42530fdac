import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;

export interface OnnxSummary {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  inputs: { name: string; elemType: number; dims: (string | number)[] }[];
  outputs: { name: string; elemType: number; dims: (string | number)[] }[];
  nodes: { name: string; opType: string; inputs: string[]; outputs: string[]; attributes: Record<string, number> }[];
  initializers: { name: string; dataType: number; dims: number[]; rawData: Uint8Array }[];
  metadata: Record<string, string>;
}

/**
 * Decodes ONNX bytes into plain, fully typed data (int64s as numbers, nulls as empty values):
 * what a test, a report or a reader of the metadata needs without protobuf's Long and nulls.
 *
 * Why not the one reader (readOnnxModelInfo in @mnist-onnx/mnist): that walker reads only what
 * running a model needs (producer, opset, metadata, output ops), so the page carries no protobuf
 * library. Export's read-back checks need the whole graph: initializer values and shapes, node
 * inputs and attributes, value types and dims. Export already builds models with onnx-proto, so
 * decoding them with it costs nothing more here.
 */
export function inspectOnnx(bytes: Uint8Array): OnnxSummary {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph ?? {};
  const valueInfo = (v: Onnx.IValueInfoProto) => ({
    name: v.name ?? '',
    elemType: v.type?.tensorType?.elemType ?? 0,
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
  });
  const { FLOAT } = onnx.AttributeProto.AttributeType;
  return {
    irVersion: Number(model.irVersion),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain ?? '', version: Number(o.version) })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    inputs: (graph.input ?? []).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    nodes: (graph.node ?? []).map((n) => ({
      name: n.name ?? '',
      opType: n.opType ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', a.type === FLOAT ? (a.f ?? 0) : Number(a.i ?? 0)])),
    })),
    initializers: (graph.initializer ?? []).map((t) => ({ name: t.name ?? '', dataType: t.dataType ?? 0, dims: (t.dims ?? []).map(Number), rawData: t.rawData ?? new Uint8Array() })),
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
  };
}
