import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { toFloat16Bits } from './float16.js';

const { onnx } = onnxProto;

/** Weight precision of the file: how the initializers of the Dense kernels are stored. */
export const WEIGHT_DTYPES = ['float32', 'float16', 'int8'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];

const { FLOAT, INT } = onnx.AttributeProto.AttributeType;
export const { FLOAT: FLOAT_TYPE, FLOAT16: FLOAT16_TYPE, INT8: INT8_TYPE } = onnx.TensorProto.DataType;

export const floatAttr = (name: string, f: number): Onnx.IAttributeProto => ({ name, type: FLOAT, f });
export const intAttr = (name: string, i: number): Onnx.IAttributeProto => ({ name, type: INT, i });

/**
 * Little-endian float32 bytes of `values`, whatever the host byte order and even when
 * `values` is a view at an offset into a larger buffer: a DataView writes each element
 * explicitly, where viewing `values.buffer` directly would pick up the wrong bytes for a view.
 */
export function float32RawData(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/** Little-endian binary16 bytes of `values` (rounded to nearest even). */
export function float16RawData(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toFloat16Bits(values[i]), true);
  return out;
}

export class GraphBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  parameters = 0;

  constructor(private readonly dtype: WeightDtype) {}

  /** Adds an initializer stored exactly as given (the int8 builders' kernels and scales). */
  initializer(tensor: Onnx.ITensorProto): string {
    this.initializers.push(tensor);
    return tensor.name!;
  }

  /**
   * Adds a weight as an initializer and returns the name of a float32 tensor holding it. For
   * float16 the stored tensor is half precision and a Cast restores float32, so the graph
   * still computes (and takes its input) in float32: onnxruntime folds the Cast once at load,
   * and the kernels that run are the well-trodden float32 ones on every execution provider.
   */
  weight(name: string, dims: number[], values: Float32Array, docString: string): string {
    this.parameters += values.length;
    // int8 models keep their biases in float32: a few hundred numbers, added after the matmul.
    if (this.dtype === 'float32' || this.dtype === 'int8') {
      this.initializers.push({ name, dims, dataType: FLOAT_TYPE, rawData: float32RawData(values), docString });
      return name;
    }
    this.initializers.push({ name, dims, dataType: FLOAT16_TYPE, rawData: float16RawData(values), docString });
    const cast = `${name}/float32`;
    this.nodes.push({ name: `${name}/Cast`, opType: 'Cast', input: [name], output: [cast], attribute: [intAttr('to', FLOAT_TYPE)] });
    return cast;
  }

  node(name: string, opType: string, input: string[], attribute: Onnx.IAttributeProto[] = []): string {
    this.nodes.push({ name, opType, input, output: [name], attribute });
    return name;
  }

  /** A node with several outputs (DynamicQuantizeLinear), named `<name>:<output>`. */
  multiOutputNode(name: string, opType: string, input: string[], outputs: string[]): string[] {
    const output = outputs.map((o) => `${name}:${o}`);
    this.nodes.push({ name, opType, input, output, attribute: [] });
    return output;
  }

  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = node.input!.map((n) => (n === from ? to : n));
      node.output = node.output!.map((n) => (n === from ? to : n));
    }
  }
}

