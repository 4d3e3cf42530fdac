import { link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_ENTRIES, REPO_ROOT, runCli, runCliMeasuringPeakRss } from '@mnist-onnx/test-support';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImagesReport } from '../src/index.js';
import { readImageFile } from '../src/image-files.js';
import { createFixture, type Fixture } from './helpers/fixtures.js';

// `pnpm infer --images` must stay within its memory budget whatever the images' size and
// count: each is shrunk while it is decoded, and only its 28×28 digit is kept for the batch.
// Measured peak RSS (2 cores, other tests running): 12 × 10000² PNGs plus one 16000² PNG
// in one batch: ~250 MB; the same CLI on one 130×150 PNG: ~200 MB. Before the fix: 5.6 GB.
const BUDGET_MIB = 512;

let fixture: Fixture;
let model: string;
let seven: Buffer;

/** The first 7 of the test split as a 28×28 grayscale image. */
function firstSeven(): Buffer {
  const index = fixture.test.labels.indexOf(7);
  return Buffer.from(fixture.test.image(index));
}

beforeAll(async () => {
  fixture = await createFixture();
  model = await fixture.model('centroid.onnx', { layers: [fixture.rawLayer] });
  seven = firstSeven();
}, 120_000);
afterAll(() => fixture.cleanup());

describe('pnpm infer --images on huge images', () => {
  it(`classifies 12 PNGs of 10000×10000 and one of 16000×16000 in one batch within ${BUDGET_MIB} MiB`, async () => {
    const dir = join(fixture.dir, 'huge');
    await mkdir(dir);
    // A digit 6000 px tall in the middle of a 10000² canvas: 645 KB as a PNG, 400 MB as RGBA.
    const big = await sharp(seven, { raw: { width: 28, height: 28, channels: 1 } })
      .resize(6000, 6000, { kernel: 'nearest' })
      .extend({ top: 2000, bottom: 2000, left: 2000, right: 2000, background: '#000' })
      .png({ compressionLevel: 1 })
      .toBuffer();
    await writeFile(join(dir, 'big-00.png'), big);
    for (let i = 1; i < 12; i++) await link(join(dir, 'big-00.png'), join(dir, `big-${String(i).padStart(2, '0')}.png`));
    const huge = await sharp(seven, { raw: { width: 28, height: 28, channels: 1 } })
      .resize(9000, 9000, { kernel: 'nearest' })
      .extend({ top: 3500, bottom: 3500, left: 3500, right: 3500, background: '#000' })
      .png({ compressionLevel: 1 })
      .toBuffer();
    await writeFile(join(dir, 'huge.png'), huge);

    const run = await runCliMeasuringPeakRss('infer', ['--model', model, '--images', dir, '--ep', 'cpu', '--json'], { env: { MNIST_ONNX_ARTIFACTS: fixture.artifacts } });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ImagesReport;
    console.log(`13 huge PNGs: peak RSS ${run.peakRssMiB.toFixed(0)} MiB`);
    expect(report.images).toHaveLength(13);
    expect(report.images.map((image) => image.prediction)).toEqual(new Array(13).fill(7));
    expect(report.images.at(-1)).toMatchObject({ width: 16000, height: 16000 });
    expect(run.peakRssMiB).toBeLessThan(BUDGET_MIB);
  }, 120_000);
});

/**
 * What each EXIF orientation asks a viewer to do to the stored pixels, undone: the stored
 * image is the upright one put through the inverse, so that every file displays upright.
 */
const STORED_AS: Record<number, (image: sharp.Sharp) => Promise<sharp.Sharp>> = {
  1: async (image) => image,
  2: async (image) => image.flop(),
  3: async (image) => image.rotate(180),
  4: async (image) => image.flip(),
  // 5 and 7 mirror along a diagonal: a quarter turn, then a mirror, in two passes.
  5: async (image) => sharp(await image.rotate(90).toBuffer()).flop(),
  6: async (image) => image.rotate(270),
  7: async (image) => sharp(await image.rotate(270).toBuffer()).flop(),
  8: async (image) => image.rotate(90),
};

describe('EXIF orientation', () => {
  it('turns every one of the 8 orientations upright before reading the digit', async () => {
    const dir = join(fixture.dir, 'oriented');
    await mkdir(dir);
    // A 7 on a 60×90 canvas, so a turn also swaps the sides.
    const upright = await sharp(seven, { raw: { width: 28, height: 28, channels: 1 } })
      .resize(56, 56)
      .extend({ top: 4, bottom: 30, left: 2, right: 2, background: '#000' })
      .png()
      .toBuffer();
    const reference = await readImageFile(await writeOriented(dir, upright, 1));
    expect([reference.width, reference.height]).toEqual([60, 90]);
    for (let orientation = 2; orientation <= 8; orientation++) {
      const file = await writeOriented(dir, upright, orientation);
      expect((await sharp(file).metadata()).orientation, file).toBe(orientation);
      const decoded = await readImageFile(file);
      expect({ orientation, width: decoded.width, height: decoded.height }).toEqual({ orientation, width: 60, height: 90 });
      expect(Buffer.from(decoded.data).equals(Buffer.from(reference.data)), `orientation ${orientation} decodes to the upright pixels`).toBe(true);
    }
  });
});

async function writeOriented(dir: string, upright: Buffer, orientation: number): Promise<string> {
  const stored = await STORED_AS[orientation](sharp(upright));
  const file = join(dir, `seven-orientation-${orientation}.png`);
  await writeFile(file, await sharp(await stored.png().toBuffer()).withMetadata({ orientation }).png().toBuffer());
  return file;
}

describe('file names that start with a dash', () => {
  it('are taken as files after a bare --, and read as flags without it', async () => {
    const dir = join(fixture.dir, 'dashes');
    await mkdir(dir);
    await sharp(seven, { raw: { width: 28, height: 28, channels: 1 } }).resize(84, 84).png().toFile(join(dir, '-x.png'));
    const env = { MNIST_ONNX_ARTIFACTS: fixture.artifacts };
    // Run from that folder, so the name as typed starts with a dash; tsx found from the repository.
    const command = [process.execPath, '--import', pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(REPO_ROOT, CLI_ENTRIES.infer)];
    const run = await runCli('infer', ['--model', model, '--ep', 'cpu', '--json', '--images', '--', '-x.png'], { env, cwd: dir, command });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as ImagesReport).images.map((image) => [image.file, image.prediction])).toEqual([['-x.png', 7]]);
    const flag = await runCli('infer', ['--model', model, '--ep', 'cpu', '--images', '-x.png'], { env, cwd: dir, command });
    expect(flag.code).toBe(1);
    expect(flag.stderr.split('\n').filter((line) => line.startsWith('error: '))).toEqual(['error: Unknown argument: x']);
  });
});
