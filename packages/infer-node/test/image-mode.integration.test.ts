import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MnistClassifier, type ImagesReport } from '../src/index.js';
import { argmaxRows } from '@mnist-onnx/mnist';
import { createFixture, runCli, SWIFTSHADER_ENV, type Fixture } from './helpers/fixtures.js';

let fixture: Fixture;
let model: string;
let digitsDir: string;
/** The model's prediction on each original 28×28 test digit, by file stem. */
const direct = new Map<string, number>();
const PER_CLASS = 3;

/** A test digit enlarged to 84×84 on a 130×150 canvas, light-on-dark or dark-on-light. */
async function digitPng(pixels: Uint8Array, darkOnLight: boolean): Promise<Buffer> {
  const source = darkOnLight ? pixels.map((v) => 255 - v) : pixels;
  const background = darkOnLight ? 255 : 0;
  return sharp(Buffer.from(source), { raw: { width: 28, height: 28, channels: 1 } })
    .resize(84, 84, { kernel: 'cubic' })
    .extend({ top: 30, bottom: 36, left: 20, right: 26, background: { r: background, g: background, b: background } })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  fixture = await createFixture();
  model = await fixture.model('centroid.onnx', { layers: [fixture.rawLayer] });
  digitsDir = join(fixture.dir, 'digits');
  await mkdir(digitsDir);
  const classifier = await MnistClassifier.load({ model, device: 'cpu' });
  const seen = new Array<number>(10).fill(0);
  for (let i = 0; i < fixture.test.count; i++) {
    const label = fixture.test.labels[i];
    if (seen[label] >= PER_CLASS) continue;
    const stem = `${label}-${seen[label]++}`;
    const image = fixture.test.image(i);
    await writeFile(join(digitsDir, `${stem}-light-on-dark.png`), await digitPng(image, false));
    await writeFile(join(digitsDir, `${stem}-dark-on-light.png`), await digitPng(image, true));
    direct.set(stem, argmaxRows((await classifier.classify(image, 1)).probabilities)[0]);
  }
  await classifier.dispose();
  const seven = fixture.test.image(fixture.test.labels.indexOf(7));
  await sharp(await digitPng(seven, true)).jpeg({ quality: 90 }).toFile(join(fixture.dir, 'seven.jpg'));
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toFile(join(fixture.dir, 'blank.png'));
}, 60_000);
afterAll(() => fixture.cleanup());

const stemOf = (file: string) => /(\d-\d)-/.exec(file)?.[1] ?? '';

describe('image mode (real CLI)', () => {
  it('classifies a folder of digits in both polarities through the shared MNIST preprocessing', async () => {
    const { code, stdout, stderr } = await runCli(['--model', model, '--ep', 'cpu', '--images', digitsDir, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ImagesReport;
    expect(report.mode).toBe('images');
    expect(report.images).toHaveLength(10 * PER_CLASS * 2);
    const byFile = new Map(report.images.map((image) => [image.file, image]));
    let agree = 0;
    for (const [stem, expected] of direct) {
      const light = byFile.get(join(digitsDir, `${stem}-light-on-dark.png`));
      const dark = byFile.get(join(digitsDir, `${stem}-dark-on-light.png`));
      expect(light?.inverted).toBe(false);
      expect(dark?.inverted).toBe(true);
      // Inverting the picture must not change what the model sees (up to resampling rounding).
      expect(dark?.prediction).toBe(light?.prediction);
      expect(dark?.probability).toBeCloseTo(light?.probability ?? NaN, 2);
      if (light?.prediction === expected) agree++;
    }
    // Resized and re-centred, a digit mostly gets the prediction of the original 28×28 image.
    expect(agree / direct.size).toBeGreaterThanOrEqual(0.8);
  });

  it('prints "file → digit (p, entropy)" for PNG and JPEG, and says when an image is blank', async () => {
    const file = join(digitsDir, '7-0-dark-on-light.png');
    const jpeg = join(fixture.dir, 'seven.jpg');
    const blank = join(fixture.dir, 'blank.png');
    const { code, stdout } = await runCli(['--model', model, '--ep', 'cpu', '--images', file, jpeg, blank]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    const line = /^(.+) → (\d) \(p = [01]\.\d\d, entropy \d\.\d\d bits\)$/;
    const [, pngFile, pngDigit] = line.exec(lines.at(-3) ?? '') ?? [];
    const [, jpegFile, jpegDigit] = line.exec(lines.at(-2) ?? '') ?? [];
    expect([pngFile, jpegFile]).toEqual([file, jpeg]);
    expect(jpegDigit).toBe(pngDigit);
    expect(lines.at(-1)).toBe(`${blank} → no digit (the image is blank)`);
  });

  it('--ep webgpu on SwiftShader matches cpu image by image', async () => {
    const [gpu, cpu] = await Promise.all([
      runCli(['--model', model, '--ep', 'webgpu', '--images', digitsDir, '--json'], SWIFTSHADER_ENV),
      runCli(['--model', model, '--ep', 'cpu', '--images', digitsDir, '--json']),
    ]);
    expect(gpu.code).toBe(0);
    const onGpu = JSON.parse(gpu.stdout) as ImagesReport;
    const onCpu = JSON.parse(cpu.stdout) as ImagesReport;
    expect(onGpu.executionProvider.name).toBe('webgpu');
    expect(onGpu.images.map((i) => [stemOf(i.file), i.prediction])).toEqual(onCpu.images.map((i) => [stemOf(i.file), i.prediction]));
    onGpu.images.forEach((image, n) => expect(image.probabilities?.[image.prediction ?? 0]).toBeCloseTo(onCpu.images[n].probabilities?.[image.prediction ?? 0] ?? NaN, 4));
  });
});
