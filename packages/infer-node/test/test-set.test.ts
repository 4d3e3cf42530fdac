import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdxImages, encodeIdxLabels, IDX_FILES } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { tempDir } from '@mnist-onnx/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestSet } from '../src/test-set.js';

let work: string;
const images = (n: number, side = 28) => encodeIdxImages(Uint8Array.from({ length: n * side * side }, (_, i) => i % 251), n, side, side);
const labels = (n: number) => encodeIdxLabels(Uint8Array.from({ length: n }, (_, i) => i % 10));

/** A data folder with good train files (so loadDataset gets to the test files) and the given test files. */
async function dataDir(name: string, testFiles: Record<string, Uint8Array>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, IDX_FILES.trainImages), images(3));
  await writeFile(join(dir, IDX_FILES.trainLabels), labels(3));
  for (const [file, bytes] of Object.entries(testFiles)) await writeFile(join(dir, file), bytes);
  return dir;
}

beforeAll(() => {
  work = tempDir('test-set-');
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('openTestSet', () => {
  it('streams the test files of a folder in batches (gzip, and the dotted spelling)', async () => {
    const dir = await dataDir('good', {
      [`${IDX_FILES.testImages}.gz`]: gzipSync(images(25)),
      't10k-labels.idx1-ubyte': labels(25),
    });
    const testSet = await openTestSet(dir);
    expect(testSet).toMatchObject({
      id: `dir:${dir}`, count: 25, imagesPath: join(dir, `${IDX_FILES.testImages}.gz`), labelsPath: join(dir, 't10k-labels.idx1-ubyte'),
    });
    const batches = [];
    for await (const batch of testSet.batches(10)) batches.push(batch);
    await testSet.close();
    expect(batches.map((b) => b.labels.length)).toEqual([10, 10, 5]);
    const { test } = await loadDataset(dir);
    expect(Buffer.concat(batches.map((b) => b.images))).toEqual(Buffer.from(test.images));
    expect(Buffer.concat(batches.map((b) => b.labels))).toEqual(Buffer.from(test.labels));
  });

  // One resolver and one split check: the streamed reader and the in-memory loader must
  // refuse the same folders with the same words.
  const bad: [string, () => Promise<string>, string | ((dir: string) => string)][] = [
    ['a folder that does not exist', async () => join(work, 'nope'), (dir) => `--data ${dir}: no such data folder (expected embedded, mnist or a folder of IDX files)`],
    ['a file given as the folder', async () => join(await dataDir('file-as-dir', {}), IDX_FILES.trainImages), (dir) => `--data ${dir}: no such data folder (expected embedded, mnist or a folder of IDX files)`],
    ['a folder without the test labels', () => dataDir('no-labels', { [IDX_FILES.testImages]: images(2) }), (dir) => `${dir}: missing t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz)`],
    ['more labels than images', () => dataDir('counts', { [IDX_FILES.testImages]: images(2), [IDX_FILES.testLabels]: labels(3) }), (dir) => `${join(dir, IDX_FILES.testLabels)}: 3 labels for 2 images in t10k-images-idx3-ubyte`],
    ['images that are not 28×28', () => dataDir('side', { [IDX_FILES.testImages]: images(2, 32), [IDX_FILES.testLabels]: labels(2) }), (dir) => `${join(dir, IDX_FILES.testImages)}: images are 32×32, expected 28×28`],
    ['a label file given as images', () => dataDir('swapped', { [IDX_FILES.testImages]: labels(2), [IDX_FILES.testLabels]: labels(2) }), (dir) => `${join(dir, IDX_FILES.testImages)}: has 1 dimension, expected 3 for images`],
  ];
  it.each(bad)('refuses %s as loadDataset does', async (_name, makeDir, message) => {
    const dir = await makeDir();
    const expected = typeof message === 'string' ? message : message(dir);
    await expect(openTestSet(dir)).rejects.toMatchObject({ message: expected });
    await expect(loadDataset(dir)).rejects.toMatchObject({ message: expected });
  });

  it('refuses --data mnist before pnpm data download, naming the folder', async () => {
    const artifacts = join(work, 'artifacts');
    const saved = process.env.MNIST_ONNX_ARTIFACTS;
    process.env.MNIST_ONNX_ARTIFACTS = artifacts;
    try {
      const expected = `${join(artifacts, 'data', 'mnist')}: full MNIST is not downloaded yet; run pnpm data download`;
      await expect(openTestSet('mnist')).rejects.toMatchObject({ code: 'DATASET', message: expected });
      await expect(loadDataset('mnist')).rejects.toMatchObject({ code: 'DATASET', message: expected });
    } finally {
      if (saved === undefined) delete process.env.MNIST_ONNX_ARTIFACTS;
      else process.env.MNIST_ONNX_ARTIFACTS = saved;
    }
  });
});
