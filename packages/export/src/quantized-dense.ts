import { FLOAT_TYPE, INT8_TYPE as INT8, float32RawData, intAttr, type GraphBuilder } from './graph-builder.js';
import type { DenseStep } from './mlp-spec.js';
import { quantizePerChannel } from './quantize.js';

/** The kernel's int8 values and per-unit scales as two initializers; returns their names. */
function addInt8Kernel(graph: GraphBuilder, step: DenseStep, kernelDoc: string, source: string): { values: string; scales: string } {
  const q = quantizePerChannel(source, step.name, step.kernel, step.inputs, step.units);
  graph.parameters += step.kernel.length;
  const values = graph.initializer({
    name: `${step.name}/kernel/int8`,
    dims: [step.inputs, step.units],
    dataType: INT8,
    rawData: new Uint8Array(q.values.buffer, q.values.byteOffset, q.values.length),
    docString: `${kernelDoc}, as symmetric int8 (weight = value × scale of its column)`,
  });
  const scales = graph.initializer({
    name: `${step.name}/kernel/scale`,
    dims: [step.units],
    dataType: FLOAT_TYPE,
    rawData: float32RawData(q.scales),
    docString: `one float32 scale per unit of Dense "${step.name}": max |weight| of its column ÷ 127`,
  });
  return { values, scales };
}

/**
 * Weight-only int8: the kernel stored as int8 and turned back into float32 by Cast then Mul
 * by the per-unit scales (broadcast along the last axis, the units), feeding the same Gemm as
 * the float32 file. Returns the name of the float32 kernel.
 *
 * Why not DequantizeLinear (axis 1), which computes the same: onnxruntime does not
 * constant-fold DequantizeLinear (it keeps Q/DQ nodes for its own int8 fusions), so the CPU EP
 * dequantised all the weights again on every run: 0.05–0.12× float32's images/s at batch 1
 * (onnxruntime-node 1.30, measured alternately in one process). Cast and Mul of constants are
 * folded once when the session loads, on
 * every execution provider, so the file is 4× smaller and runs exactly as fast as float32.
 */
export function addWeightOnlyInt8Kernel(graph: GraphBuilder, step: DenseStep, kernelDoc: string, source: string): string {
  const { values, scales } = addInt8Kernel(graph, step, kernelDoc, source);
  const float = graph.node(`${step.name}/kernel/Cast`, 'Cast', [values], [intAttr('to', FLOAT_TYPE)]);
  return graph.node(`${step.name}/kernel/scale/Mul`, 'Mul', [float, scales]);
}

/**
 * Dynamic int8: y = (q(x) − zp(x)) · W_int8 × (scale(x) × scale_W) + bias, written in exactly
 * the shape onnxruntime's optimiser looks for (DynamicQuantizeLinear → MatMulInteger → Cast →
 * Mul by Mul(scale_x, scale_W) → Add of a constant 1-D bias), so its CPU EP fuses each layer
 * into one DynamicQuantizeMatMul kernel. MatMul + Add rather than Gemm: onnxruntime's integer
 * matmuls have no Gemm form. Activations become uint8 per tensor (asymmetric, range from the
 * batch at run time), weights int8 per unit (symmetric, no zero point needed).
 */
export function addDynamicInt8Dense(graph: GraphBuilder, step: DenseStep, input: string, kernelDoc: string, source: string): string {
  const { values, scales } = addInt8Kernel(graph, step, kernelDoc, source);
  const [q, qScale, qZeroPoint] = graph.multiOutputNode(`${step.name}/DynamicQuantizeLinear`, 'DynamicQuantizeLinear', [input], ['y', 'y_scale', 'y_zero_point']);
  const integer = graph.node(`${step.name}/MatMulInteger`, 'MatMulInteger', [q, values, qZeroPoint]);
  const float = graph.node(`${step.name}/Cast`, 'Cast', [integer], [intAttr('to', FLOAT_TYPE)]);
  const scale = graph.node(`${step.name}/scale`, 'Mul', [qScale, scales]);
  const scaled = graph.node(`${step.name}/Mul`, 'Mul', [float, scale]);
  if (!step.bias) return scaled;
  // The bias is the Add's second input, where the fusion looks for it.
  const bias = graph.weight(`${step.name}/bias`, [step.units], step.bias, `Dense "${step.name}" bias`);
  return graph.node(`${step.name}/Add`, 'Add', [scaled, bias]);
}
