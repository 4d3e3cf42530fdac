/** A point in canvas-independent units: 0..1 across and down the drawing square. */
export interface Point {
  x: number;
  y: number;
}

export type Stroke = Point[];

/**
 * Line width as a fraction of the drawing square. MNIST digits are about 20 px tall with
 * strokes 2–3 px wide; a digit drawn to fill most of the square at this width comes out of
 * the 20 px scaling with MNIST's stroke width.
 */
export const STROKE_WIDTH = 0.075;

/**
 * Draws the strokes on a 2D context of `size` × `size` pixels (round caps and joins). All lines go
 * into one path and all taps into another, so the canvas rasterises twice per paint however many
 * strokes there are: a stroke() call per stroke cost ~10 µs each, and a digit traced row by row
 * has dozens. Where strokes cross, the union is painted once.
 */
export function paintStrokes(ctx: CanvasRenderingContext2D, strokes: readonly Stroke[], size: number, ink: string): void {
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = STROKE_WIDTH * size;
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  ctx.beginPath();
  let taps = false;
  for (const stroke of strokes) {
    if (stroke.length < 2) {
      taps ||= stroke.length === 1;
      continue;
    }
    ctx.moveTo(stroke[0].x * size, stroke[0].y * size);
    // Quadratic curves through the midpoints smooth the polyline a pointer produces.
    for (let i = 1; i < stroke.length - 1; i++) {
      const mx = (stroke[i].x + stroke[i + 1].x) / 2;
      const my = (stroke[i].y + stroke[i + 1].y) / 2;
      ctx.quadraticCurveTo(stroke[i].x * size, stroke[i].y * size, mx * size, my * size);
    }
    const last = stroke[stroke.length - 1];
    ctx.lineTo(last.x * size, last.y * size);
  }
  ctx.stroke();
  if (!taps) return;
  // A tap: a dot as wide as the line (a zero-length path would draw nothing).
  ctx.beginPath();
  for (const stroke of strokes) {
    if (stroke.length !== 1) continue;
    const [{ x, y }] = stroke;
    ctx.moveTo(x * size + (STROKE_WIDTH * size) / 2, y * size);
    ctx.arc(x * size, y * size, (STROKE_WIDTH * size) / 2, 0, 2 * Math.PI);
  }
  ctx.fill();
}
