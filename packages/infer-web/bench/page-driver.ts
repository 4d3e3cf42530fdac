import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@mnist-onnx/test-support';

/**
 * What the page benches need from a browser, kept here so the benches do not depend on the test
 * helpers: a Chromium profile, opening the page until it is ready, drawing a digit, waiting for
 * the prediction that matches the drawing.
 */

export interface ProfileOptions {
  /** Adds --enable-unsafe-webgpu: SwiftShader's adapter on a machine without a GPU. */
  webgpu?: boolean;
  /**
   * `persistent`: a profile folder on disk, like a person's browser — an HTTP disk cache and
   * V8's code cache. `incognito`: an off-the-record context (what browser.newPage() gives),
   * whose in-memory HTTP cache keeps nothing as big as onnxruntime's .wasm.
   */
  profile: 'persistent' | 'incognito';
  userDataDir: string;
}

export async function openProfile(options: ProfileOptions): Promise<BrowserContext> {
  const args = options.webgpu ? [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] : CHROMIUM_ARGS;
  const viewport = { width: 1200, height: 900 };
  if (options.profile === 'persistent') {
    return chromium.launchPersistentContext(options.userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args, viewport });
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
  const context = await browser.newContext({ viewport });
  context.on('close', () => void browser.close());
  return context;
}

/** Navigates to `url` and resolves once the page says it is ready (or throws its message). */
export async function openReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.ready === 'error', undefined, { timeout: 120_000 });
  if ((await page.evaluate(() => document.documentElement.dataset.ready)) !== 'true') {
    throw new Error(`the page did not load its model: ${await page.locator('#message').textContent()}`);
  }
}

/** Waits until the prediction panel shows the drawing as it is now. */
export async function settledPrediction(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const pad = document.getElementById('pad');
    const panel = document.getElementById('prediction');
    return pad && panel && !document.documentElement.dataset.busy && panel.dataset.revision === (pad.dataset.revision ?? '0');
  }, undefined, { timeout: 60_000 });
}

/** Each horizontal run of ink of a 28×28 digit as a stroke, in 0..1 canvas units, filling 90% of the pad. */
export function digitStrokes(image: Uint8Array, threshold = 128): [number, number][][] {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  for (let i = 0; i < 784; i++) {
    if (image[i] < threshold) continue;
    x0 = Math.min(x0, i % 28);
    x1 = Math.max(x1, i % 28);
    y0 = Math.min(y0, Math.floor(i / 28));
    y1 = Math.max(y1, Math.floor(i / 28));
  }
  const cell = 0.9 / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const at = (col: number, row: number): [number, number] => [0.5 + (col - (x0 + x1) / 2) * cell, 0.5 + (row - (y0 + y1) / 2) * cell];
  const strokes: [number, number][][] = [];
  for (let row = 0; row < 28; row++) {
    for (let col = 0; col < 28; col++) {
      if (image[row * 28 + col] < threshold) continue;
      const start = col;
      while (col + 1 < 28 && image[row * 28 + col + 1] >= threshold) col++;
      strokes.push([at(start, row), at(col, row)]);
    }
  }
  return strokes;
}

// Page-side code is passed as strings: tsx would wrap inner functions in a `__name` helper the page lacks.
const POINTER = `
  const pad = document.getElementById('pad');
  const r = pad.getBoundingClientRect();
  const send = (type, [x, y]) => pad.dispatchEvent(new PointerEvent(type, { pointerId: 9, pointerType: 'pen', isPrimary: true, button: 0, bubbles: true, cancelable: true, clientX: r.left + x * r.width, clientY: r.top + y * r.height }));
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));`;

/** Draws the strokes with pen pointer events (all in one task) and waits for the prediction. */
export async function drawStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  await page.evaluate(`(() => {${POINTER}
    for (const stroke of ${JSON.stringify(strokes)}) {
      send('pointerdown', stroke[0]);
      for (const point of stroke.slice(1)) send('pointermove', point);
      send('pointerup', stroke[stroke.length - 1]);
    }
  })()`);
  await settledPrediction(page);
}

/**
 * Extends one stroke by a point every other frame, `moves` times: each move changes the drawing,
 * so each one is a live prediction, as when a person draws. The stroke wiggles around `at`
 * (0..1 units) so the digit keeps its shape.
 */
export async function liveMoves(page: Page, at: [number, number], moves: number): Promise<void> {
  await page.evaluate(`(async () => {${POINTER}
    const [x, y] = ${JSON.stringify(at)};
    send('pointerdown', [x, y]);
    for (let i = 0; i < ${moves}; i++) {
      send('pointermove', [x + 0.01 * Math.sin(i), y + 0.01 * Math.cos(i)]);
      await frame();
      await frame();
    }
    send('pointerup', [x, y]);
  })()`);
  await settledPrediction(page);
}

/** The page's own timing of its recent live predictions (see src/app/view/latency-view.ts). */
export async function predictionTimes(page: Page): Promise<{ medianMs: number; count: number; phasesMs: Record<string, number> }> {
  const latency = page.locator('#latency');
  return {
    medianMs: Number(await latency.getAttribute('data-median-ms')),
    count: Number(await latency.getAttribute('data-count')),
    phasesMs: JSON.parse((await latency.getAttribute('data-phases-ms')) ?? '{}') as Record<string, number>,
  };
}
