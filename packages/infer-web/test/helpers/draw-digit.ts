import type { Page } from 'playwright-core';

export interface TraceOptions {
  /** Pixels at or above this value (0–255) count as ink. Default 128. */
  threshold?: number;
  /**
   * Fraction of the canvas the digit's ink box is scaled to fill (its longer side), or
   * undefined to keep MNIST's own framing (the 28×28 image stretched over the canvas).
   */
  fill?: number;
}

/**
 * Traces a 28×28 MNIST digit on the page's canvas with the mouse: every horizontal run of
 * ink pixels in a row becomes one stroke, scaled to the canvas. That is how a person would
 * copy the digit with a thick pen, one line at a time — real, trusted mouse input through the
 * DevTools protocol, turned into pointer events by the browser. The events are sent without
 * waiting for each answer (the protocol keeps their order), so a digit costs one round trip
 * instead of one per event. Returns the number of strokes drawn.
 */
export async function traceDigit(page: Page, image: Uint8Array, options: TraceOptions = {}): Promise<number> {
  const threshold = options.threshold ?? 128;
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('the canvas #pad is not visible');
  const ink = inkBox(image, threshold);
  let cell = box.width / 28;
  let originX = box.x;
  let originY = box.y;
  if (options.fill !== undefined && ink) {
    const side = Math.max(ink.x1 - ink.x0 + 1, ink.y1 - ink.y0 + 1);
    cell = (box.width * options.fill) / side;
    originX = box.x + box.width / 2 - ((ink.x0 + ink.x1 + 1) / 2) * cell;
    originY = box.y + box.height / 2 - ((ink.y0 + ink.y1 + 1) / 2) * cell;
  }
  const at = (col: number, row: number) => ({ x: originX + (col + 0.5) * cell, y: originY + (row + 0.5) * cell });
  const events: MouseEvent[] = [];
  for (const [row, start, end] of inkRuns(image, threshold)) {
    const a = at(start, row);
    const b = at(end, row);
    events.push({ type: 'mouseMoved', ...a, buttons: 0 });
    events.push({ type: 'mousePressed', ...a, button: 'left', buttons: 1, clickCount: 1 });
    if (end > start) events.push({ type: 'mouseMoved', ...b, button: 'left', buttons: 1 });
    events.push({ type: 'mouseReleased', ...b, button: 'left', buttons: 0, clickCount: 1 });
  }
  const cdp = await page.context().newCDPSession(page);
  try {
    await Promise.all(events.map((event) => cdp.send('Input.dispatchMouseEvent', event)));
  } finally {
    await cdp.detach();
  }
  return events.filter((e) => e.type === 'mousePressed').length;
}

interface MouseEvent {
  type: 'mouseMoved' | 'mousePressed' | 'mouseReleased';
  x: number;
  y: number;
  button?: 'left';
  buttons: number;
  clickCount?: number;
}

/** Each horizontal run of ink as [row, first column, last column], top to bottom. */
function inkRuns(image: Uint8Array, threshold: number): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let row = 0; row < 28; row++) {
    let col = 0;
    while (col < 28) {
      if (image[row * 28 + col] < threshold) {
        col++;
        continue;
      }
      const start = col;
      while (col < 28 && image[row * 28 + col] >= threshold) col++;
      runs.push([row, start, col - 1]);
    }
  }
  return runs;
}

function inkBox(image: Uint8Array, threshold: number): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (image[y * 28 + x] < threshold) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1, y1 };
}
