import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** One fully connected layer: weight [in, out] (row-major), bias [out], optional ReLU after. */
export interface DenseLayer {
  weight: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
  relu?: boolean;
}

export interface TestModelSpec {
  layers: DenseLayer[];
  /** `flat` = [N,784]; `nchw` = [N,1,28,28] flattened inside the graph. Default flat. */
  layout?: 'flat' | 'nchw';
  /** Input shape to declare instead (e.g. [N,100] for a wrong model). */
  inputShape?: Array<number | string>;
  inputName?: string;
  outputName?: string;
  /** Add a Softmax so the output holds probabilities. */
  softmax?: boolean;
  /** End with an Identity node, hiding which operator made the output. */
  identityOutput?: boolean;
  metadata?: Record<string, string>;
}

const valueInfo = (name: string, dims: Array<number | string>) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });

const initializer = (name: string, dims: number[], data: Float32Array) =>
  onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });

/** Builds an ONNX model (IR 8, opset 13) of Gemm/Relu layers with onnx-proto. */
export function buildTestModel(spec: TestModelSpec): Uint8Array {
  const inputName = spec.inputName ?? 'pixels';
  const outputName = spec.outputName ?? (spec.softmax ? 'probabilities' : 'logits');
  const layout = spec.layout ?? 'flat';
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const inits: InstanceType<typeof onnx.TensorProto>[] = [];
  let current = inputName;
  if (layout === 'nchw') {
    nodes.push(onnx.NodeProto.create({ name: 'flatten', opType: 'Flatten', input: [current], output: ['flat'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
    current = 'flat';
  }
  spec.layers.forEach((layer, i) => {
    const last = i === spec.layers.length - 1;
    inits.push(initializer(`dense_${i}/kernel`, [layer.inputs, layer.outputs], layer.weight));
    inits.push(initializer(`dense_${i}/bias`, [layer.outputs], layer.bias));
    const ending = last && !spec.softmax && !spec.identityOutput;
    const gemmOut = ending && !layer.relu ? outputName : `dense_${i}`;
    nodes.push(onnx.NodeProto.create({ name: `gemm_${i}`, opType: 'Gemm', input: [current, `dense_${i}/kernel`, `dense_${i}/bias`], output: [gemmOut] }));
    current = gemmOut;
    if (layer.relu) {
      const reluOut = ending ? outputName : `relu_${i}`;
      nodes.push(onnx.NodeProto.create({ name: `relu_${i}`, opType: 'Relu', input: [current], output: [reluOut] }));
      current = reluOut;
    }
  });
  if (spec.softmax) {
    const softmaxOut = spec.identityOutput ? 'softmax' : outputName;
    nodes.push(onnx.NodeProto.create({ name: 'softmax', opType: 'Softmax', input: [current], output: [softmaxOut], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }));
    current = softmaxOut;
  }
  if (spec.identityOutput) nodes.push(onnx.NodeProto.create({ name: 'identity', opType: 'Identity', input: [current], output: [outputName] }));
  const inputShape = spec.inputShape ?? (layout === 'flat' ? ['N', 784] : ['N', 1, 28, 28]);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'infer-node tests',
    graph: {
      name: 'test-model',
      node: nodes,
      initializer: inits,
      input: [valueInfo(inputName, inputShape)],
      output: [valueInfo(outputName, [inputShape[0], spec.layers[spec.layers.length - 1].outputs])],
    },
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A nearest-centroid classifier as one linear layer: logit_c = x·μ_c − ½‖μ_c‖², i.e. the
 * closest class mean wins. `transform` maps a byte pixel to the model's input space.
 */
export function centroidLayer(images: Uint8Array, labels: Uint8Array, transform: (byte: number) => number): DenseLayer {
  const sums = new Float64Array(784 * 10);
  const counts = new Float64Array(10);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    counts[c]++;
    for (let p = 0; p < 784; p++) sums[p * 10 + c] += transform(images[i * 784 + p]);
  }
  const weight = new Float32Array(784 * 10);
  const bias = new Float32Array(10);
  for (let p = 0; p < 784; p++) {
    for (let c = 0; c < 10; c++) {
      const mean = sums[p * 10 + c] / counts[c];
      weight[p * 10 + c] = mean;
      bias[c] -= (mean * mean) / 2;
    }
  }
  return { weight, bias, inputs: 784, outputs: 10 };
}

/** What `centroidLayer`'s model predicts, computed in float64 in JavaScript. */
export function referencePredictions(layer: DenseLayer, images: Uint8Array, count: number, transform: (byte: number) => number): Uint8Array {
  const out = new Uint8Array(count);
  const x = new Float64Array(784);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) x[p] = transform(images[i * 784 + p]);
    let best = -Infinity;
    for (let c = 0; c < 10; c++) {
      let z = layer.bias[c];
      for (let p = 0; p < 784; p++) z += x[p] * layer.weight[p * 10 + c];
      if (z > best) {
        best = z;
        out[i] = c;
      }
    }
  }
  return out;
}

/** A 784-200-200-10 ReLU MLP with seeded uniform weights (Glorot range): same FLOPs as ours. */
export function randomMlpLayers(seed = 1): DenseLayer[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const dense = (inputs: number, outputs: number, relu: boolean): DenseLayer => {
    const limit = Math.sqrt(6 / (inputs + outputs));
    return {
      weight: Float32Array.from({ length: inputs * outputs }, () => (next() * 2 - 1) * limit),
      bias: new Float32Array(outputs),
      inputs,
      outputs,
      relu,
    };
  };
  return [dense(784, 200, true), dense(200, 200, true), dense(200, 10, false)];
}
