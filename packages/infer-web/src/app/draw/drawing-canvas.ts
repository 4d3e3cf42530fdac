import type { DigitImage } from '@mnist-onnx/mnist';
import type { Drawing } from './drawing.js';
import { paintStrokes, type Point } from './strokes.js';

/** Side of the offscreen canvas the model reads: 10× MNIST's 28 px. */
export const MODEL_CANVAS_SIDE = 280;

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
    new ResizeObserver(() => this.repaint()).observe(canvas);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.repaint());
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
    const side = Math.round(canvas.clientWidth * devicePixelRatio);
    if (side === 0) return;
    if (canvas.width !== side || canvas.height !== side) canvas.width = canvas.height = side;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const style = getComputedStyle(canvas);
    ctx.fillStyle = style.getPropertyValue('--paper').trim() || '#fff';
    ctx.fillRect(0, 0, side, side);
    paintStrokes(ctx, this.#drawing.strokes, side, style.getPropertyValue('--ink').trim() || '#111');
  }

  #point(e: PointerEvent): Point {
    const rect = this.#canvas.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return { x: clamp((e.clientX - rect.left) / rect.width), y: clamp((e.clientY - rect.top) / rect.height) };
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
    this.#drawing.begin(this.#point(e));
  }

  #move(e: PointerEvent): void {
    if (e.pointerId !== this.#activePointer) return;
    e.preventDefault();
    // Coalesced events carry the points the browser merged into this one (pens report more
    // often than frames happen); drawing through all of them keeps fast strokes smooth.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    this.#drawing.extend((events.length ? events : [e]).map((ev) => this.#point(ev)));
  }

  #up(e: PointerEvent): void {
    if (e.pointerId !== this.#activePointer) return;
    this.#activePointer = undefined;
    if (this.#canvas.hasPointerCapture(e.pointerId)) this.#canvas.releasePointerCapture(e.pointerId);
  }
}
