import { describe, expect, it } from 'vitest';
import { buildMetadata, buildOnnx, type MlpSpec } from '../src/index.js';
import { inputConventionOf, ModelLoadError, NUM_CLASSES, PIXELS, readClassifierMetadata, readOnnxModelInfo } from '@mnist-onnx/mnist';

// The one ONNX reader, used by `pnpm infer` and the page (onnxruntime exposes no metadata_props).
const spec: MlpSpec = {
  inputs: PIXELS,
  outputs: NUM_CLASSES,
  steps: [{ kind: 'dense', name: 'dense', inputs: PIXELS, units: NUM_CLASSES, kernel: new Float32Array(PIXELS * NUM_CLASSES), bias: new Float32Array(NUM_CLASSES) }],
};

function model(folded: boolean, probabilities = false): Uint8Array {
  const outputs = probabilities ? ['logits', 'probabilities'] : ['logits'];
  const metadata = buildMetadata({ spec, normalizationFolded: folded, dtype: 'float32', outputs, producer: 'test', weightsSha256: '0', sourceFormat: 'test', training: undefined });
  return buildOnnx(spec, { dtype: 'float32', probabilities, normalizationFolded: folded, graphName: 'g', docString: '', producerName: 'mnist-onnx', producerVersion: '9.9', metadata }).bytes;
}

function loadError(bytes: Uint8Array): ModelLoadError {
  try {
    readOnnxModelInfo(bytes, 'bad.onnx');
  } catch (error) {
    return error as ModelLoadError;
  }
  throw new Error('expected readOnnxModelInfo to throw');
}

describe('readOnnxModelInfo', () => {
  it('rejects an empty file, naming it', () => {
    const error = loadError(new Uint8Array());
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.code).toBe('MODEL_LOAD');
    expect(error.message).toBe('bad.onnx: the file is empty');
  });

  it('rejects a truncated model', () => {
    const error = loadError(model(true).subarray(0, 500));
    expect(error.code).toBe('MODEL_LOAD');
    expect(error.message).toMatch(/^bad\.onnx: not an ONNX model \(field \d+ runs past the end of the data\)$/);
  });

  it('rejects text that happens to parse as protobuf but holds no graph', () => {
    const error = loadError(new TextEncoder().encode('hello'));
    expect(error.message).toMatch(/^bad\.onnx: not an ONNX model \(/);
  });

  it('reads producer, opset, metadata and which op makes each output', () => {
    const info = readOnnxModelInfo(model(true, true), 'm.onnx');
    expect(info.producer).toBe('mnist-onnx 9.9');
    expect(info.opsetVersion).toBe(13);
    expect(info.outputOps).toEqual({ logits: 'Gemm', probabilities: 'Softmax' });
    expect(readClassifierMetadata(info.metadata)).toMatchObject({ found: true, metadata: { input: { mean: 0, std: 1 } } });
  });
});

describe('inputConventionOf', () => {
  it('takes raw pixels for a folded export and (x − mean) / std for an unfolded one', () => {
    expect(inputConventionOf(readOnnxModelInfo(model(true), 'a').metadata)).toMatchObject({ normalized: false, mean: 0, std: 1 });
    expect(inputConventionOf(readOnnxModelInfo(model(false), 'b').metadata)).toMatchObject({ normalized: true, mean: 0.1307, std: 0.3081 });
  });

  it('assumes our exporter’s raw [0,1] convention without metadata, and says so', () => {
    expect(inputConventionOf({})).toMatchObject({ normalized: false, source: expect.stringMatching(/^default: /) });
  });
});
