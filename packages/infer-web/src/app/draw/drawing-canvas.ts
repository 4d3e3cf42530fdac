import type { DigitImage } from '@mnist-onnx/mnist';
import type { Drawing } from './drawing.js';
import { paintStrokes, type Point } from './strokes.js';

/**
 * Side of the offscreen canvas the model reads: 4× MNIST's 28 px. Preprocessing shrinks the ink
 * to 20 px with area averaging, so 4× is still ample anti-aliasing, and it reads 6.25× fewer
 * pixels than 280 px did (the read-back and the grayscale pass were most of a prediction's time).
 * Checked once (2026-12-01) with 300 test digits drawn on the page by pointer events: 287 read
 * correctly at 112 px and 287 at 280 px, the same answer for all 300.
 */
export const MODEL_CANVAS_SIDE = 112;

/**
 * Binds a visible canvas to a Drawing: pointer events (mouse, touch, pen) add strokes, and the
 * canvas repaints at the device's pixel ratio in the theme's colours. The model reads a
 * separate offscreen rendering — white on black at a fixed size — so neither the theme nor
 * the screen's resolution changes what it sees.
 */
export class DrawingCanvas {
  readonly #canvas: HTMLCanvasElement;
  readonly #drawing: Drawing;
  readonly #model: CanvasRenderingContext2D;
  #activePointer: number | undefined;
  #paintQueued = false;
  /** Backing-store side in device pixels and the theme's colours, read when they change — never while painting. */
  #side = 0;
  #colors = { paper: '#fff', ink: '#111' };

  constructor(canvas: HTMLCanvasElement, drawing: Drawing) {
    this.#canvas = canvas;
    this.#drawing = drawing;
    const offscreen = document.createElement('canvas');
    offscreen.width = offscreen.height = MODEL_CANVAS_SIDE;
    const model = offscreen.getContext('2d', { willReadFrequently: true });
    if (!model) throw new Error('this browser has no 2D canvas');
    this.#model = model;
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) canvas.addEventListener(type, (e) => this.#up(e));
    drawing.onChange(() => {
      // Marked at once (not at paint time), so "the prediction shows revision N" is checkable.
      canvas.dataset.revision = String(drawing.revision);
      canvas.dataset.strokes = String(drawing.strokes.length);
      this.repaint();
    });
    // Size and colours are read here, after layout, so that painting never forces a layout or
    // style recalculation in the middle of a frame.
    const resized = new ResizeObserver(([entry]) => {
      const device = entry.devicePixelContentBoxSize?.[0];
      this.#side = device ? Math.round(device.inlineSize) : Math.round(entry.contentRect.width * devicePixelRatio);
      this.#readColors();
      this.repaint();
    });
    try {
      // Device pixels: also told when only the pixel ratio changes (zoom, another screen).
      resized.observe(canvas, { box: 'device-pixel-content-box' });
    } catch {
      resized.observe(canvas);
    }
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.#readColors();
      this.repaint();
    });
  }

  #readColors(): void {
    const style = getComputedStyle(this.#canvas);
    this.#colors = { paper: style.getPropertyValue('--paper').trim() || '#fff', ink: style.getPropertyValue('--ink').trim() || '#111' };
  }

  /** The drawing as the model sees it: white strokes on black, MODEL_CANVAS_SIDE square, RGBA. */
  modelImage(): DigitImage {
    const ctx = this.#model;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, MODEL_CANVAS_SIDE, MODEL_CANVAS_SIDE);
    paintStrokes(ctx, this.#drawing.strokes, MODEL_CANVAS_SIDE, '#fff');
    const { data } = ctx.getImageData(0, 0, MODEL_CANVAS_SIDE, MODEL_CANVAS_SIDE);
    return { width: MODEL_CANVAS_SIDE, height: MODEL_CANVAS_SIDE, data, channels: 4 };
  }

  /** Repaints on the next frame (several changes in one frame paint once). */
  repaint(): void {
    if (this.#paintQueued) return;
    this.#paintQueued = true;
    requestAnimationFrame(() => {
      this.#paintQueued = false;
      this.#paint();
    });
  }

  #paint(): void {
    const canvas = this.#canvas;
    const side = this.#side;
    if (side === 0) return;
    if (canvas.width !== side || canvas.height !== side) canvas.width = canvas.height = side;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = this.#colors.paper;
    ctx.fillRect(0, 0, side, side);
    paintStrokes(ctx, this.#drawing.strokes, side, this.#colors.ink);
  }

  /** Pointer positions in 0..1 units of the canvas (one layout read for all the points of an event). */
  #points(events: readonly PointerEvent[]): Point[] {
    const rect = this.#canvas.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return events.map((e) => ({ x: clamp((e.clientX - rect.left) / rect.width), y: clamp((e.clientY - rect.top) / rect.height) }));
  }

  #down(e: PointerEvent): void {
    if (this.#activePointer !== undefined || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.#activePointer = e.pointerId;
    try {
      this.#canvas.setPointerCapture(e.pointerId);
    } catch {
      // A pointer the browser no longer tracks: the stroke still works without capture.
    }
    this.#drawing.begin(this.#points([e])[0]);
  }

  #move(e: PointerEvent): void {
    if (e.pointerId !== this.#activePointer) return;
    e.preventDefault();
    // Coalesced events carry the points the browser merged into this one (pens report more
    // often than frames happen); drawing through all of them keeps fast strokes smooth.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    this.#drawing.extend(this.#points(events.length ? events : [e]));
  }

  #up(e: PointerEvent): void {
    if (e.pointerId !== this.#activePointer) return;
    this.#activePointer = undefined;
    if (this.#canvas.hasPointerCapture(e.pointerId)) this.#canvas.releasePointerCapture(e.pointerId);
  }
}
