import { availableParallelism } from 'node:os';
import { runCliMeasuringPeakRss } from '@mnist-onnx/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FIXED_BATCH } from '@mnist-onnx/mnist';
import { createFixture, type Fixture } from './helpers/fixtures.js';

let fixture: Fixture;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  fixture = await createFixture();
  env = { MNIST_ONNX_ARTIFACTS: fixture.artifacts };
}, 120_000);
afterAll(() => fixture.cleanup());

const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('error: '));

describe('pnpm infer on a model that declares a huge fixed batch', () => {
  for (const batch of [1_000_000, 2_000_000_000]) {
    it(`refuses [${batch},784] in one line naming the file, in bounded memory`, async () => {
      const model = await fixture.model(`fixed-${batch}.onnx`, { layers: [fixture.rawLayer], inputShape: [batch, 784] });
      const run = await runCliMeasuringPeakRss('infer', ['--model', model, '--ep', 'cpu'], { env });
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([
        `error: ${model}: input "pixels" is fixed to a batch of ${batch.toLocaleString('en-US')} images (${((batch * 784 * 4) / 1e6).toFixed(0)} MB per run); at most ${MAX_FIXED_BATCH} is supported: export the model with a dynamic batch dimension`,
      ]);
      expect(run.peakRssMiB).toBeLessThan(512);
    });
  }

  it(`still runs a model fixed to ${MAX_FIXED_BATCH} images`, async () => {
    const model = await fixture.model('fixed-max.onnx', { layers: [fixture.rawLayer], inputShape: [MAX_FIXED_BATCH, 784] });
    const run = await runCliMeasuringPeakRss('infer', ['--model', model, '--ep', 'cpu', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).count).toBe(fixture.test.count);
  });
});

describe('pnpm infer on a model whose outputs are not finite', () => {
  it('fails in one line naming the model instead of reporting an accuracy', async () => {
    const bias = new Float32Array(fixture.rawLayer.bias);
    bias[3] = Number.NaN;
    const model = await fixture.model('nan.onnx', { layers: [{ ...fixture.rawLayer, bias }] });
    const run = await runCliMeasuringPeakRss('infer', ['--model', model, '--ep', 'cpu'], { env });
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      `error: ${model}: the model output NaN (image 1 of the batch, class 3); its weights or graph are broken (non-finite outputs)`,
    ]);
  });
});

describe('--threads', () => {
  it('takes at most the cores this machine offers, refused before any model loads', async () => {
    const cores = availableParallelism();
    for (const threads of [cores + 1, 1000, 100_000]) {
      const run = await runCliMeasuringPeakRss('infer', ['--threads', String(threads), '--ep', 'cpu'], { env });
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([`error: --threads must be an integer from 1 to ${cores} (the cores this machine offers), got ${threads}`]);
    }
    const ok = await runCliMeasuringPeakRss('infer', ['--threads', String(cores), '--ep', 'cpu', '--model', await fixture.model('plain.onnx', { layers: [fixture.rawLayer] })], { env });
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('--batch-size', () => {
  it('is bounded by what one run may hold in memory', async () => {
    const run = await runCliMeasuringPeakRss('infer', ['--batch-size', '1000000000', '--ep', 'cpu'], { env });
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual(['error: --batch-size must be at most 16384 (what one run may hold in memory), got 1000000000']);
  });
});

describe('--report', () => {
  it('naming a folder fails before the model is even loaded', async () => {
    const run = await runCliMeasuringPeakRss('infer', ['--model', '/no/such/model.onnx', '--report', fixture.dir], { env });
    expect(run.code).toBe(1);
    expect(errorLines(run.stderr)).toEqual([`error: --report ${fixture.dir}: is a folder; expected a file name`]);
  });
});
