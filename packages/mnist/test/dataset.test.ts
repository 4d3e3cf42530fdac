import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, Dataset, decodeMnistSplit, MNIST_MEAN, MNIST_STD, shuffleInPlace } from '@mnist-onnx/mnist';
import { encodeIdxImages, encodeIdxLabels } from '@mnist-onnx/mnist';
import { loadDataset, prepareEmbedded, type DatasetSplit } from '@mnist-onnx/mnist/node';

let artifacts: string;
let split: DatasetSplit;
beforeAll(async () => {
  artifacts = await mkdtemp(join(tmpdir(), 'mnist-art-'));
  process.env.MNIST_ONNX_ARTIFACTS = artifacts;
  split = await loadDataset('embedded');
});
afterAll(async () => {
  delete process.env.MNIST_ONNX_ARTIFACTS;
  await rm(artifacts, { recursive: true, force: true });
});

describe('the embedded dataset', () => {
  it('splits 8,004 train / 1,996 test, stratified per digit', () => {
    expect(split.train.count).toBe(8004);
    expect(split.test.count).toBe(1996);
    expect(split.train.classCounts()).toEqual([801, 902, 793, 826, 784, 691, 812, 856, 756, 783]);
    expect(split.test.classCounts()).toEqual([200, 225, 198, 206, 196, 172, 202, 214, 188, 195]);
  });

  it('is materialised as four IDX files with a manifest of SHA-256 sums', async () => {
    const manifest = JSON.parse(await readFile(join(split.dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual([
      't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
    ]);
    expect(split.files).toHaveLength(4);
    for (const file of split.files) expect(manifest.files[file.name]).toBe(file.sha256);
  });

  it('is deterministic: rebuilt from scratch, the files have the same SHA-256 sums', async () => {
    const before = split.files.map((f) => [f.name, f.sha256]);
    await rm(split.dir, { recursive: true });
    const again = await prepareEmbedded(split.dir);
    expect(again.reused).toBe(false);
    expect(Object.entries(again.manifest.files).sort()).toEqual([...before].sort());
    const reloaded = await loadDataset('embedded');
    expect(reloaded.files.map((f) => [f.name, f.sha256])).toEqual(before);
  });

  it('rebuilds a file that was tampered with', async () => {
    const path = join(split.dir, 't10k-labels-idx1-ubyte');
    const original = await readFile(path);
    await writeFile(path, original.subarray(0, 100));
    expect((await prepareEmbedded(split.dir)).reused).toBe(false);
    expect(await readFile(path)).toEqual(original);
  });

  it('stores real digits as bytes: Math.round(v * 255), white on black', async () => {
    // Test image 0 is sample 4 of the npm package's 0.json (every fifth sample is a test sample).
    const digits = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
    const source = (JSON.parse(await readFile(join(digits, '0.json'), 'utf8')) as { data: number[] }).data.slice(4 * 784, 5 * 784);
    const first = split.test.image(0);
    expect(Array.from(first)).toEqual(source.map((v) => Math.round(v * 255)));
    // The comparison above tells rounding from truncation: some pixels differ between the two.
    expect(source.filter((v) => Math.round(v * 255) !== Math.floor(v * 255)).length).toBeGreaterThan(0);
    expect(Math.max(...first)).toBe(255);
    expect(first[0]).toBe(0);
  });
});

describe('Dataset', () => {
  it('normalises with the MNIST constants', () => {
    const d = new Dataset(Uint8Array.from({ length: 784 }, (_, i) => (i === 0 ? 255 : 0)), Uint8Array.of(3));
    const x = d.normalized();
    expect(x[0]).toBeCloseTo((1 - MNIST_MEAN) / MNIST_STD, 6);
    expect(x[1]).toBeCloseTo(-MNIST_MEAN / MNIST_STD, 6);
    expect(d.pixels01()[0]).toBe(1);
  });

  it('iterates over every sample once per epoch, shuffled reproducibly by seed', () => {
    const seen = (seed: number) => [...split.test.batches(200, { shuffle: true, seed })].flatMap((b) => [...b.indices]);
    const a = seen(1);
    expect(a).toHaveLength(1996);
    expect(new Set(a).size).toBe(1996);
    expect(seen(1)).toEqual(a);
    expect(seen(2)).not.toEqual(a);
    const batches = [...split.test.batches(200)];
    expect(batches.map((b) => b.labels.length)).toEqual([...Array(9).fill(200), 196]);
    expect(batches[0].labels[5]).toBe(split.test.labels[5]);
  });

  it('refuses a bad index or batch size', () => {
    expect(() => split.test.image(1996)).toThrow('image index 1996 is outside 0–1995');
    expect(() => split.test.batches(0).next()).toThrow('batch size must be a positive integer, got 0');
  });
});

describe('decodeMnistSplit (browser-safe, shared by the loader and the page)', () => {
  const images = encodeIdxImages(Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256), 2, 28, 28);
  it('decodes an image file and a label file into a Dataset', () => {
    const d = decodeMnistSplit({ file: 'i', bytes: images }, { file: 'l', bytes: encodeIdxLabels(Uint8Array.of(4, 2)) });
    expect([d.count, Array.from(d.labels), d.image(1)[0]]).toEqual([2, [4, 2], 784 % 256]);
  });
  it('names the label file, and the image file by its last path part (a URL in the page)', () => {
    expect(() => decodeMnistSplit({ file: 'assets/data/t10k-images-idx3-ubyte', bytes: images }, { file: 'assets/data/t10k-labels-idx1-ubyte', bytes: encodeIdxLabels(Uint8Array.of(1)) }))
      .toThrow(/^assets\/data\/t10k-labels-idx1-ubyte: 1 labels for 2 images in t10k-images-idx3-ubyte$/);
    const wide = encodeIdxImages(new Uint8Array(2 * 28 * 30), 2, 28, 30);
    expect(() => decodeMnistSplit({ file: 'w', bytes: wide }, { file: 'l', bytes: encodeIdxLabels(Uint8Array.of(1, 2)) })).toThrow(/^w: images are 28×30, expected 28×28$/);
  });
});

describe('createRng', () => {
  it('continues the same sequence from a saved state', () => {
    const rng = createRng(42);
    rng.next();
    const resumed = createRng(0, rng.state);
    expect([rng.next(), rng.next()]).toEqual([resumed.next(), resumed.next()]);
    expect(shuffleInPlace([1, 2, 3, 4, 5], createRng(7))).toEqual(shuffleInPlace([1, 2, 3, 4, 5], createRng(7)));
  });
});

describe('loadDataset on a folder', () => {
  it('accepts gzipped and raw files, and rejects mismatched counts naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-dir-'));
    const img = (n: number) => encodeIdxImages(new Uint8Array(n * 784), n, 28, 28);
    const { gzipSync } = await import('node:zlib');
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(img(4)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdxLabels(Uint8Array.of(1, 2, 3, 4)));
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), img(2));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdxLabels(Uint8Array.of(1, 2, 3)));
    await expect(loadDataset(dir)).rejects.toThrow(`${join(dir, 't10k-labels-idx1-ubyte')}: 3 labels for 2 images in t10k-images-idx3-ubyte`);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdxLabels(Uint8Array.of(1, 2)));
    const loaded = await loadDataset(dir);
    expect([loaded.train.count, loaded.test.count, loaded.id]).toEqual([4, 2, `dir:${dir}`]);
  });

  it('rejects a folder without the standard files, and images that are not 28×28', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-dir-'));
    await expect(loadDataset(dir)).rejects.toThrow(`${dir}: missing train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)`);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), encodeIdxImages(new Uint8Array(2 * 32 * 32), 2, 32, 32));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdxLabels(Uint8Array.of(1, 2)));
    await expect(loadDataset(dir)).rejects.toThrow('images are 32×32, expected 28×28');
    await expect(loadDataset('/no/such/dir')).rejects.toMatchObject({
      code: 'DATASET', message: '--data /no/such/dir: no such data folder (expected embedded, mnist or a folder of IDX files)',
    });
  });
});

describe('replaceDirAtomic', () => {
  it('replaces a folder it wrote, and refuses one it did not', async () => {
    const { replaceDirAtomic, UnsafeReplaceError } = await import('@mnist-onnx/mnist/node');
    const dir = await mkdtemp(join(tmpdir(), 'replace-'));
    const target = join(dir, 'model');
    await replaceDirAtomic(target, 'model.json', async (temp) => writeFile(join(temp, 'model.json'), 'v1'));
    await replaceDirAtomic(target, 'model.json', async (temp) => writeFile(join(temp, 'model.json'), 'v2'));
    expect(await readFile(join(target, 'model.json'), 'utf8')).toBe('v2');
    await writeFile(join(dir, 'precious.txt'), 'keep me');
    await expect(replaceDirAtomic(dir, 'model.json', async () => undefined)).rejects.toThrowError(UnsafeReplaceError);
    await expect(replaceDirAtomic(dir, 'model.json', async () => undefined)).rejects.toThrow(`${dir}: exists and holds other files but no model.json; refusing to replace it`);
    expect(await readFile(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});
