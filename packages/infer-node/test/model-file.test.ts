import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, readOnnxModelInfo } from '@mnist-onnx/mnist';
import { readModelFile } from '../src/model-file.js';
import { buildTestModel, type DenseLayer } from './helpers/onnx-models.js';

const { onnx } = onnxProto;

// A small model (784 → 10, softmax) with metadata: what readModelFile reads, and its bytes.
const layer: DenseLayer = { weight: Float32Array.from({ length: 7840 }, (_, i) => (i % 13) / 13), bias: new Float32Array(10), inputs: 784, outputs: 10 };
const modelBytes = buildTestModel({ layers: [layer], softmax: true, metadata: { 'mnist_onnx.form': 'test', empty: '' } });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function written(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe('readModelFile (through the one ONNX reader)', () => {
  it('reads producer, opset, metadata and output ops, and hands over the bytes as they are', async () => {
    const file = await written('plain.onnx', modelBytes);
    const model = await readModelFile(file);
    expect(model).toMatchObject({
      path: file,
      producer: 'infer-node tests',
      opsetVersion: 13,
      metadata: { 'mnist_onnx.form': 'test', empty: '' },
      outputOps: { probabilities: 'Softmax' },
    });
    expect(Buffer.from(model.bytes).equals(Buffer.from(modelBytes))).toBe(true);
  });

  it('keeps pnpm infer\'s wording for a file that is not ONNX', async () => {
    const notes = await written('notes.onnx', 'these are my notes, not a model\n');
    await expect(readModelFile(notes)).rejects.toThrow(new RegExp(`^${notes}: not an ONNX model \\(protobuf decoding failed: .+\\)$`));
    // Valid protobuf (ir_version only) that holds no graph.
    const noGraph = await written('no-graph.onnx', Uint8Array.from([8, 8]));
    await expect(readModelFile(noGraph)).rejects.toThrow(new ModelLoadError(noGraph, 'not an ONNX model (no graph, nodes, outputs or opset in it)'));
  });

  it('moves external data into the bytes, and the reader sees which initializers had it', async () => {
    const model = onnx.ModelProto.decode(modelBytes);
    const kernel = model.graph!.initializer![0];
    await written('weights.bin', kernel.rawData!);
    kernel.externalData = [{ key: 'location', value: 'weights.bin' }];
    kernel.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    kernel.rawData = new Uint8Array(0);
    const externalBytes = onnx.ModelProto.encode(model).finish();
    expect(readOnnxModelInfo(externalBytes, 'x.onnx').externalInitializers).toEqual(['dense_0/kernel']);
    expect(readOnnxModelInfo(modelBytes, 'x.onnx').externalInitializers).toEqual([]);

    const read = await readModelFile(await written('external.onnx', externalBytes));
    expect(readOnnxModelInfo(read.bytes, 'x.onnx').externalInitializers).toEqual([]);
    const inlined = onnx.ModelProto.decode(read.bytes).graph!.initializer![0];
    expect(Buffer.from(inlined.rawData!).equals(Buffer.from(onnx.ModelProto.decode(modelBytes).graph!.initializer![0].rawData!))).toBe(true);
    expect(read.metadata).toEqual({ 'mnist_onnx.form': 'test', empty: '' });
  });
});
