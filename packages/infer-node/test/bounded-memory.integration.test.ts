import { open, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeIdxImages, encodeIdxLabels, IDX_FILES } from '@mnist-onnx/mnist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInference, type TestSetReport } from '../src/index.js';
import { createFixture, type Fixture } from './helpers/fixtures.js';

// 1,000,000 images (≈ 785 MB) by default; INFER_MEMORY_TEST_IMAGES may raise it. The test
// refuses a set that is not at least 4× the memory bound: a reader that loads everything
// would then pass too.
const TOTAL = Number(process.env.INFER_MEMORY_TEST_IMAGES ?? 1_000_000);
const BLOCK = 1000;
// The RSS growth measured was 38 MB (1,000,000 images, CPU EP, batch 1000).
const MAX_GROWTH_MB = 150;

let fixture: Fixture;
let model: string;
let blockDir: string;
let bigDir: string;

/** Writes IDX files holding `repeats` copies of the block, a block at a time. */
async function writeRepeated(dir: string, images: Uint8Array, labels: Uint8Array, repeats: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const count = (labels.length * repeats);
  const imageHeader = encodeIdxImages(new Uint8Array(0), 0, 28, 28).subarray(0, 16);
  new DataView(imageHeader.buffer, imageHeader.byteOffset).setUint32(4, count, false);
  const labelHeader = encodeIdxLabels(new Uint8Array(0)).subarray(0, 8);
  new DataView(labelHeader.buffer, labelHeader.byteOffset).setUint32(4, count, false);
  for (const [name, header, block] of [[IDX_FILES.testImages, imageHeader, images], [IDX_FILES.testLabels, labelHeader, labels]] as const) {
    const file = await open(join(dir, name), 'w');
    await file.write(header);
    for (let r = 0; r < repeats; r++) await file.write(block);
    await file.close();
  }
}

beforeAll(async () => {
  fixture = await createFixture();
  model = await fixture.model('centroid.onnx', { layers: [fixture.rawLayer] });
  const block = fixture.test.slice(0, BLOCK);
  blockDir = join(fixture.dir, 'block');
  bigDir = join(fixture.dir, 'big');
  await writeRepeated(blockDir, block.images, block.labels, 1);
  await writeRepeated(bigDir, block.images, block.labels, TOTAL / BLOCK);
}, 120_000);
afterAll(async () => {
  await rm(bigDir, { recursive: true, force: true });
  await fixture.cleanup();
});

describe('a test set far larger than memory', () => {
  it(`streams ${TOTAL.toLocaleString('en-US')} images with bounded memory and exact counts`, async () => {
    expect(TOTAL % BLOCK).toBe(0);
    const dataBytes = (await stat(join(bigDir, IDX_FILES.testImages))).size + (await stat(join(bigDir, IDX_FILES.testLabels))).size;
    expect(dataBytes, `the test set (${(dataBytes / 2 ** 20).toFixed(0)} MB) must be over 4× the ${MAX_GROWTH_MB} MB bound`).toBeGreaterThan(4 * MAX_GROWTH_MB * 2 ** 20);
    const once = (await runInference({ model, data: blockDir, ep: 'cpu' })) as TestSetReport; // also warms ONNX Runtime up
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let calls = 0;
    const report = (await runInference({
      model,
      data: bigDir,
      ep: 'cpu',
      batchSize: 1000,
      onProgress: () => {
        calls++;
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    })) as TestSetReport;
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(`${TOTAL} images: ${report.seconds.toFixed(1)} s, ${Math.round(report.imagesPerSecond)} images/s, RSS growth ${growthMb.toFixed(1)} MB`);
    expect(report.count).toBe(TOTAL);
    expect(calls).toBe(TOTAL / 1000);
    const repeats = TOTAL / BLOCK;
    expect(report.correct).toBe(once.correct * repeats);
    expect(report.confusionMatrix).toEqual(once.confusionMatrix.map((row) => row.map((n) => n * repeats)));
    expect(report.meanLoss).toBeCloseTo(once.meanLoss, 6);
    expect(growthMb).toBeLessThan(MAX_GROWTH_MB);
  }, 180_000);
});
