import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeIdxImages, decodeIdxLabels, encodeIdxImages, encodeIdxLabels, idxHeaderBytes, IdxFormatError, parseIdxHeader } from '@mnist-onnx/mnist';
import { readIdxImagesFile, readIdxLabelsFile, writeIdxImagesFile, writeIdxLabelsFile } from '@mnist-onnx/mnist/node';

const pixels = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => (i * 7) % 256);
const labels = Uint8Array.from([7, 0, 9]);

describe('IDX codec', () => {
  it('round-trips images and labels in memory', () => {
    const images = decodeIdxImages(encodeIdxImages(pixels, 3, 28, 28), 'mem');
    expect(images).toMatchObject({ count: 3, rows: 28, cols: 28 });
    expect(images.pixels).toEqual(pixels);
    expect(decodeIdxLabels(encodeIdxLabels(labels), 'mem')).toEqual(labels);
  });

  it('writes the standard header: magic 0x00000803, big-endian dimensions', () => {
    const bytes = encodeIdxImages(pixels, 3, 28, 28);
    expect(Array.from(bytes.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(Array.from(encodeIdxLabels(labels).subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 3]);
  });

  it('parses a header alone, as a stream reads it: dimensions, header and data sizes', () => {
    const header = encodeIdxImages(pixels, 3, 28, 28).subarray(0, idxHeaderBytes('images'));
    expect(parseIdxHeader(header, 'h', 'images')).toEqual({ kind: 'images', dims: [3, 28, 28], headerBytes: 16, dataBytes: 3 * 784 });
    expect(parseIdxHeader(encodeIdxLabels(labels), 'h', 'labels')).toEqual({ kind: 'labels', dims: [3], headerBytes: 8, dataBytes: 3 });
  });

  it.each(['raw', 'gz'])('round-trips through files (%s)', async (kind) => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    const suffix = kind === 'gz' ? '.gz' : '';
    await writeIdxImagesFile(join(dir, `images${suffix}`), pixels, 3);
    await writeIdxLabelsFile(join(dir, `labels${suffix}`), labels);
    const stored = await readFile(join(dir, `images${suffix}`));
    expect(stored[0] === 0x1f && stored[1] === 0x8b).toBe(kind === 'gz');
    expect((await readIdxImagesFile(join(dir, `images${suffix}`))).pixels).toEqual(pixels);
    expect(await readIdxLabelsFile(join(dir, `labels${suffix}`))).toEqual(labels);
  });
});

describe('IDX validation names the file and the problem', () => {
  const good = encodeIdxImages(pixels, 3, 28, 28);
  const cases: [string, Uint8Array, RegExp][] = [
    ['a truncated file', good.subarray(0, good.length - 10), /^bad\.idx: truncated: 3×28×28 images need 2352 data bytes, found 2342$/],
    ['a truncated header', good.subarray(0, 9), /^bad\.idx: truncated: 9 bytes, the header alone needs 16$/],
    ['a wrong magic number', Uint8Array.from([0x50, 0x4b, 3, 4, ...good.subarray(4)]), /^bad\.idx: wrong magic number 0x504b0304: not an IDX file$/],
    ['a wrong type code', Uint8Array.from([0, 0, 0x0d, 3, ...good.subarray(4)]), /^bad\.idx: wrong type code 0x0d \(float\), expected 0x08 \(unsigned byte\)$/],
    ['labels given as images', encodeIdxLabels(labels), /^bad\.idx: has 1 dimension, expected 3 for images$/],
    ['trailing bytes', Uint8Array.from([...good, 1, 2]), /^bad\.idx: 2 unexpected bytes after the 3×28×28 images$/],
  ];
  it.each(cases)('rejects %s', (_name, bytes, message) => {
    expect(() => decodeIdxImages(bytes, 'bad.idx')).toThrowError(IdxFormatError);
    expect(() => decodeIdxImages(bytes, 'bad.idx')).toThrowError(message);
  });

  it('rejects a label out of range, naming its index', () => {
    expect(() => decodeIdxLabels(encodeIdxLabels(Uint8Array.from([1, 2, 12])), 'l.idx')).toThrowError(
      /^l\.idx: label 12 at index 2 is out of range 0–9$/,
    );
  });

  it('rejects a .gz file that is not gzip, and corrupt gzip data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    await writeFile(join(dir, 'a.gz'), good);
    await expect(readIdxImagesFile(join(dir, 'a.gz'))).rejects.toMatchObject({
      code: 'IDX_FORMAT', message: `${join(dir, 'a.gz')}: not a gzip file (named .gz but has no gzip header)`,
    });
    const gz = gzipSync(good);
    await writeFile(join(dir, 'b.gz'), gz.subarray(0, gz.length / 2));
    await expect(readIdxImagesFile(join(dir, 'b.gz'))).rejects.toThrow(/b\.gz: corrupt gzip data/);
  });

  it('rejects a missing file by name', async () => {
    await expect(readIdxLabelsFile('/nonexistent/labels')).rejects.toThrow(/^\/nonexistent\/labels: file not found$/);
  });
});
