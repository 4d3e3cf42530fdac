import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FIXED_BATCH } from '@mnist-onnx/mnist';
import { launchChromium, openFreshPage, type FreshPage } from './helpers/browser.js';
import { traceDigit } from './helpers/draw-digit.js';
import { digitsPerClass, startWebFixture, type WebFixture } from './helpers/web-fixture.js';

const { onnx } = onnxProto;

let fixture: WebFixture;
let browser: Browser;
let fresh: FreshPage;
let page: Page;

beforeAll(async () => {
  fixture = await startWebFixture();
  browser = await launchChromium();
  fresh = await openFreshPage(browser, fixture.server.url);
  page = fresh.page;
}, 180_000);
afterAll(async () => {
  await fresh?.close();
  await browser?.close();
  await fixture?.close();
});

/** The exported model with its input's batch dimension fixed to `batch`. */
async function withFixedBatch(batch: number): Promise<string> {
  const model = onnx.ModelProto.decode(await readFile(fixture.models.flat));
  model.graph!.input![0].type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({ dimValue: batch });
  const file = join(fixture.dir, `fixed-${batch}.onnx`);
  await writeFile(file, onnx.ModelProto.encode(model).finish());
  return file;
}

describe('the page given a model that declares a huge fixed batch', () => {
  it('refuses it at once with a message naming the file, and keeps the model it had', async () => {
    for (const batch of [1_000_000, 2_000_000_000]) {
      const started = Date.now();
      await page.locator('#model-file').setInputFiles(await withFixedBatch(batch));
      await page.waitForFunction(() => !document.documentElement.dataset.busy);
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(page.locator('#message').textContent()).resolves.toBe(
        `fixed-${batch}.onnx: input "pixels" is fixed to a batch of ${batch.toLocaleString('en-US')} images (${((batch * 784 * 4) / 1e6).toFixed(0)} MB per run); at most ${MAX_FIXED_BATCH} is supported: export the model with a dynamic batch dimension`,
      );
      expect(await page.locator('#model-info').getAttribute('data-file')).toBe('mnist-mlp.onnx');
      await page.keyboard.press('Escape');
    }
    expect(fresh.errors).toEqual([]);
  }, 60_000);
});

/** The exported model with one value of its last bias made NaN: every output then is NaN. */
async function withNaNOutputs(): Promise<string> {
  const model = onnx.ModelProto.decode(await readFile(fixture.models.flat));
  const bias = model.graph!.initializer!.filter((t) => t.name!.endsWith('/bias')).at(-1)!;
  const values = new Float32Array(Uint8Array.from(bias.rawData!).buffer);
  values[0] = Number.NaN;
  bias.rawData = new Uint8Array(values.buffer);
  const file = join(fixture.dir, 'nan-outputs.onnx');
  await writeFile(file, onnx.ModelProto.encode(model).finish());
  return file;
}

describe('the page given a model whose outputs are not finite', () => {
  it('says the prediction failed and names the model, instead of showing "NaN% sure"', async () => {
    await page.locator('#model-file').setInputFiles(await withNaNOutputs());
    await page.waitForFunction(() => !document.documentElement.dataset.busy);
    await traceDigit(page, fixture.test.image(digitsPerClass(fixture.test, 1)[7]), { fill: 0.9 });
    await page.waitForFunction(() => !document.getElementById('message')!.hidden);
    await expect(page.locator('#message').textContent()).resolves.toMatch(/^Prediction failed on wasm: nan-outputs\.onnx: the model output NaN \(image 1 of the batch, class \d\); its weights or graph are broken \(non-finite outputs\)$/);
    await expect(page.locator('body').textContent()).resolves.not.toContain('NaN% sure');
  }, 60_000);
});
