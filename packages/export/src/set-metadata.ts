import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * ONNX bytes with `extra` added to (or replacing the same keys of) `metadata_props`; the graph
 * and its initializers are carried over untouched. Used for what is known only after the
 * bytes were verified: the accuracy they scored.
 */
export function withMetadata(bytes: Uint8Array, extra: Record<string, string>): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const kept = model.metadataProps.filter((p) => !(p.key && p.key in extra));
  model.metadataProps = [...kept, ...Object.entries(extra).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }))];
  // protobufjs hands back a pooled Buffer view; copy it into a buffer of its own.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}
