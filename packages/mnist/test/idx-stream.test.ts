import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeIdxImages, encodeIdxImages, encodeIdxLabels } from '@mnist-onnx/mnist';
import { openIdxImagesStream, openIdxLabelsStream } from '@mnist-onnx/mnist/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
const count = 37;
const images = Uint8Array.from({ length: count * 784 }, (_, i) => (i * 7) % 256);
const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idx-stream-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readAll(stream: Awaited<ReturnType<typeof openIdxImagesStream>>, batch: number) {
  const parts: Uint8Array[] = [];
  for (;;) {
    const part = await stream.read(batch);
    if (part.length === 0) break;
    parts.push(part);
  }
  await stream.close();
  return { parts, bytes: Buffer.concat(parts) };
}

describe('streaming IDX reader', () => {
  it.each([
    ['plain', 'imgs', (b: Uint8Array) => b],
    ['gzip', 'imgs.gz', (b: Uint8Array) => gzipSync(b)],
  ])('reads %s image files in batches, the last one short', async (_kind, name, encode) => {
    const path = join(dir, name);
    await writeFile(path, encode(encodeIdxImages(images, count, 28, 28)));
    const stream = await openIdxImagesStream(path);
    expect(stream).toMatchObject({ count, itemShape: [28, 28], itemBytes: 784 });
    const { parts, bytes } = await readAll(stream, 10);
    expect(parts.map((p) => p.length / 784)).toEqual([10, 10, 10, 7]);
    expect(new Uint8Array(bytes)).toEqual(images);
  });

  it('reads labels and checks they are digits', async () => {
    const path = join(dir, 'labels');
    await writeFile(path, encodeIdxLabels(labels));
    const { bytes } = await readAll(await openIdxLabelsStream(path), 16);
    expect(new Uint8Array(bytes)).toEqual(labels);

    const bad = Uint8Array.from(labels);
    bad[21] = 12;
    await writeFile(path, encodeIdxLabels(bad));
    const stream = await openIdxLabelsStream(path);
    await stream.read(16);
    await expect(stream.read(16)).rejects.toMatchObject({ code: 'IDX_FORMAT', message: `${path}: label 12 at index 21 is out of range 0–9` });
    await stream.close();
  });

  it('reports a file that ends before the header says', async () => {
    const path = join(dir, 'short');
    const full = encodeIdxImages(images, count, 28, 28);
    await writeFile(path, full.subarray(0, full.length - 1000));
    const stream = await openIdxImagesStream(path);
    await expect(readAll(stream, 20)).rejects.toMatchObject({
      code: 'IDX_FORMAT',
      message: `${path}: truncated: the header announces ${count} images, the data ends after 35`,
    });
  });

  it('reports bytes after the announced data', async () => {
    const path = join(dir, 'long');
    await writeFile(path, Buffer.concat([encodeIdxImages(images, count, 28, 28), Buffer.from([1, 2, 3])]));
    await expect(readAll(await openIdxImagesStream(path), 100)).rejects.toMatchObject({ message: `${path}: unexpected bytes after the 37×28×28 images` });
  });

  it('rejects a file that is not IDX, a wrong dimension count, and a missing file', async () => {
    const text = join(dir, 'text');
    await writeFile(text, 'hello world');
    await expect(openIdxImagesStream(text)).rejects.toMatchObject({ code: 'IDX_FORMAT', message: `${text}: wrong magic number 0x68656c6c: not an IDX file` });
    const labelsFile = join(dir, 'labels-as-images');
    await writeFile(labelsFile, encodeIdxLabels(labels));
    await expect(openIdxImagesStream(labelsFile)).rejects.toMatchObject({ message: `${labelsFile}: has 1 dimension, expected 3 for images` });
    await expect(openIdxImagesStream(dir)).rejects.toMatchObject({ message: `${dir}: is a folder, not an IDX file` });
    await expect(openIdxImagesStream(join(dir, 'nope'))).rejects.toMatchObject({ message: `${join(dir, 'nope')}: file not found` });
    const fakeGz = join(dir, 'fake.gz');
    await writeFile(fakeGz, encodeIdxLabels(labels));
    await expect(openIdxLabelsStream(fakeGz)).rejects.toMatchObject({ message: `${fakeGz}: not a gzip file (named .gz but has no gzip header)` });
  });

  it('rejects a bad header with the same words as the whole-file decoder (one header parser)', async () => {
    const good = encodeIdxImages(images, count, 28, 28);
    const bad: [string, Uint8Array][] = [
      ['two-bytes', good.subarray(0, 2)],
      ['short-header', good.subarray(0, 9)],
      ['zip', Uint8Array.from([0x50, 0x4b, 3, 4, ...good.subarray(4, 16)])],
      ['float', Uint8Array.from([0, 0, 0x0d, 3, ...good.subarray(4)])],
      ['labels', encodeIdxLabels(labels)],
    ];
    const wholeFileError = (bytes: Uint8Array, path: string) => {
      try {
        decodeIdxImages(bytes, path);
      } catch (error) {
        return error as Error;
      }
      throw new Error(`${path}: the whole-file decoder accepted it`);
    };
    for (const [name, bytes] of bad) {
      for (const [path, stored] of [[join(dir, `header-${name}`), bytes], [join(dir, `header-${name}.gz`), gzipSync(bytes)]] as const) {
        await writeFile(path, stored);
        const expected = wholeFileError(bytes, path);
        expect(expected).toMatchObject({ code: 'IDX_FORMAT' });
        await expect(openIdxImagesStream(path), path).rejects.toMatchObject({ code: 'IDX_FORMAT', message: expected.message });
      }
    }
  });
});
