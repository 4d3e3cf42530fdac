import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MnistClassifier } from '../src/index.js';
import { buildTestModel } from './helpers/onnx-models.js';
import { createFixture, type Fixture } from './helpers/fixtures.js';

const { onnx } = onnxProto;

let fixture: Fixture;
beforeAll(async () => {
  fixture = await createFixture();
}, 120_000);
afterAll(() => fixture.cleanup());

/**
 * The centroid classifier with every initializer's bytes moved to `dataFile` (written at
 * `dataPath`), referenced from the model as `location`: a model saved with external data.
 */
async function externalModel(dir: string, location: string, dataPath?: string): Promise<string> {
  const model = onnx.ModelProto.decode(buildTestModel({ layers: [fixture.rawLayer] }));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of model.graph!.initializer!) {
    const raw = tensor.rawData!;
    chunks.push(raw);
    tensor.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    offset += raw.length;
  }
  await mkdir(dir, { recursive: true });
  if (dataPath) await writeFile(dataPath, Buffer.concat(chunks));
  const file = join(dir, 'model.onnx');
  await writeFile(file, onnx.ModelProto.encode(model).finish());
  return file;
}

describe('an ONNX model with external data', () => {
  it("reads it from the model's folder, not the working folder", async () => {
    const dir = join(fixture.dir, 'external');
    const file = await externalModel(dir, 'weights.bin', join(dir, 'weights.bin'));
    // The test runs from the repository root, where no weights.bin is.
    const classifier = await MnistClassifier.load({ model: file, device: 'cpu' });
    const plain = await MnistClassifier.load({ model: await fixture.model('plain.onnx', { layers: [fixture.rawLayer] }), device: 'cpu' });
    const images = fixture.test.images.subarray(0, 50 * 784);
    expect((await classifier.classify(images, 50)).probabilities).toEqual((await plain.classify(images, 50)).probabilities);
    await classifier.dispose();
    await plain.dispose();
  });

  it('refuses a location that leaves the folder, in one line naming the model', async () => {
    for (const location of ['../README.md', '/etc/passwd', 'sub/../../x.bin']) {
      const file = await externalModel(join(fixture.dir, `escape-${location.replace(/\W/g, '_')}`), location);
      await expect(MnistClassifier.load({ model: file, device: 'cpu' })).rejects.toThrow(
        `${file}: initializer "dense_0/kernel" keeps its data at "${location}"; external data must be a file name inside the model's folder`,
      );
    }
  });
});
