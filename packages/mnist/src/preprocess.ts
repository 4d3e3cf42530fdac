import { IMAGE_SIDE, PIXELS } from './constants.js';
import { MnistOnnxError } from './errors.js';

/**
 * MNIST's own recipe for turning any picture of a digit into a network input, so a digit drawn
 * on a canvas or photographed looks like the training data:
 *  1. grayscale; RGBA is composited over a backdrop that contrasts with the strokes, so a
 *     transparent canvas works with dark or light ink,
 *  2. polarity: MNIST is a white digit on black; the background is the median tone of the
 *     image's outer ring of pixels, and a light one is inverted,
 *  3. contrast: the background level becomes 0 and the brightest ink 1,
 *  4. the bounding box of the ink (pixels above `threshold`),
 *  5. scaled so its longer side is 20 px, aspect ratio kept, anti-aliased (area averaging
 *     when shrinking, bilinear when enlarging),
 *  6. pasted into 28×28, shifted by whole pixels so its centre of mass is nearest pixel
 *     (14, 14), where MNIST puts it (the mean centre of mass of the embedded digits is
 *     (14.00, 14.01) in pixel indices).
 * Browser-safe; a few passes over the source, ≈ 0.7–1 ms for a 280×280 RGBA canvas in Node
 * on a busy 2-core machine (the grayscale pass is most of it).
 */

export interface DigitImage {
  width: number;
  height: number;
  /** Row-major pixels, `channels` values each: bytes 0–255, or floats in [0, 1]. */
  data: Uint8Array | Uint8ClampedArray | Float32Array;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (alpha straight, not premultiplied, as in canvas ImageData). */
  channels: 1 | 2 | 3 | 4;
}

export interface PreprocessOptions {
  /** Ink level in [0, 1] (after contrast stretching) above which a pixel counts for the box. Default 0.1. */
  threshold?: number;
  /** Below this difference between background and brightest ink the image is empty. Default 0.1. */
  minContrast?: number;
}

export interface PreprocessedDigit {
  /** 28×28 row-major, white digit on black, in [0, 1]: what `Dataset.pixels01()` holds. */
  pixels: Float32Array;
  /** The ink's bounding box in the source image, in source pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Centre of mass of `pixels`, in pixel indices of the 28×28 output. */
  centerOfMass: { x: number; y: number };
  /** True when the source had a light background (dark ink) and was inverted. */
  inverted: boolean;
}

/** An image that cannot be read: wrong sizes, data length, channel count. */
export class ImageInputError extends MnistOnnxError {
  constructor(message: string) {
    super('IMAGE_INPUT', message);
  }
}

/** The longest side of the digit in the 28×28 output, as in MNIST. */
export const DIGIT_BOX = 20;
/** Where the centre of mass lands, in pixel indices (row and column). */
export const CENTER_OF_MASS_TARGET = IMAGE_SIDE / 2;

/**
 * Preprocesses a picture of one digit into MNIST's 28×28 format, or returns `null` when the
 * image holds no ink (blank canvas, flat colour): callers show "no digit" instead of guessing.
 */
export function preprocessDigit(image: DigitImage, options: PreprocessOptions = {}): PreprocessedDigit | null {
  const { width, height } = checkImage(image);
  const threshold = options.threshold ?? 0.1;
  const minContrast = options.minContrast ?? 0.1;
  if (!(threshold >= 0 && threshold < 1)) throw new ImageInputError(`preprocessDigit: threshold must be in [0, 1), got ${threshold}`);
  if (!(minContrast > 0 && minContrast <= 1)) throw new ImageInputError(`preprocessDigit: minContrast must be in (0, 1], got ${minContrast}`);

  const { gray, min, max } = toGray(image);
  const background = borderMedian(gray, width, height);
  const inverted = background > 0.5;
  // Work in "ink" units: 0 at the background level, 1 at the brightest ink.
  const bg = inverted ? 1 - background : background;
  const peak = inverted ? 1 - min : max;
  if (peak - bg < minContrast) return null;
  const gain = 1 / (peak - bg);
  const cut = bg + threshold * (peak - bg);
  const found = inverted ? inkBox(gray, width, height, (g) => 1 - g > cut) : inkBox(gray, width, height, (g) => g > cut);
  if (!found) return null;
  const [x0, y0, x1, y1] = found;
  const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const scale = DIGIT_BOX / Math.max(box.width, box.height);
  const outW = Math.max(1, Math.min(DIGIT_BOX, Math.round(box.width * scale)));
  const outH = Math.max(1, Math.min(DIGIT_BOX, Math.round(box.height * scale)));
  // Centre the sampled window on the box: rounding outW/outH may make it a fraction wider or narrower.
  const startX = box.x + (box.width - outW / scale) / 2;
  const startY = box.y + (box.height - outH / scale) / 2;
  toInk(gray, width, height, startX, startY, outW / scale, outH / scale, inverted, bg, gain);
  const patch = resample(gray, width, height, startX, startY, scale, outW, outH);

  return placeByCenterOfMass(patch, outW, outH, box, inverted);
}

function checkImage(image: DigitImage): { width: number; height: number } {
  const { width, height, data, channels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageInputError(`preprocessDigit: width and height must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new ImageInputError(`preprocessDigit: channels must be 1, 2, 3 or 4, got ${String(channels)}`);
  }
  if (data.length !== width * height * channels) {
    throw new ImageInputError(`preprocessDigit: ${data.length} values do not make a ${width}×${height} image with ${channels} channel${channels === 1 ? '' : 's'} (${width * height * channels} expected)`);
  }
  return { width, height };
}

/**
 * Luminance in [0, 1] (Rec. 601 weights, as most image libraries use for grayscale). With an
 * alpha channel (RGBA, or gray + alpha as image decoders give for a gray PNG with transparency), pixels are composited over the colour that contrasts with what is drawn: a
 * transparent canvas with dark strokes becomes dark on white, one with light strokes light on
 * black, so both polarities survive transparency.
 */
function toGray(image: DigitImage): { gray: Float32Array; min: number; max: number } {
  const n = image.width * image.height;
  const gray = new Float32Array(n);
  const unit = image.data instanceof Float32Array ? 1 : 1 / 255;
  if (image.channels === 4) rgbaToGray(image.data, gray, unit);
  else if (image.channels === 3) rgbToGray(image.data, gray, unit);
  else if (image.channels === 2) grayAlphaToGray(image.data, gray, unit);
  else for (let i = 0; i < n; i++) gray[i] = image.data[i] * unit;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = gray[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { gray, min, max };
}

// One plain loop per layout, with a constant stride: this is the step that touches every byte.
function rgbToGray(data: DigitImage['data'], gray: Float32Array, unit: number): void {
  const r = 0.299 * unit, g = 0.587 * unit, b = 0.114 * unit;
  for (let i = 0; i < gray.length; i++) gray[i] = r * data[3 * i] + g * data[3 * i + 1] + b * data[3 * i + 2];
}

function rgbaToGray(data: DigitImage['data'], gray: Float32Array, unit: number): void {
  const r = 0.299 * unit, g = 0.587 * unit, b = 0.114 * unit;
  let minAlpha = Infinity;
  for (let i = 0; i < gray.length; i++) {
    const o = 4 * i;
    gray[i] = r * data[o] + g * data[o + 1] + b * data[o + 2];
    const a = data[o + 3];
    if (a < minAlpha) minAlpha = a;
  }
  if (minAlpha * unit < 1) compositeAlpha(gray, data, 4, unit);
}

function grayAlphaToGray(data: DigitImage['data'], gray: Float32Array, unit: number): void {
  let minAlpha = Infinity;
  for (let i = 0; i < gray.length; i++) {
    gray[i] = data[2 * i] * unit;
    const a = data[2 * i + 1];
    if (a < minAlpha) minAlpha = a;
  }
  if (minAlpha * unit < 1) compositeAlpha(gray, data, 2, unit);
}

/** Composites over white when what is drawn is mostly dark, over black otherwise (see toGray). */
function compositeAlpha(gray: Float32Array, data: DigitImage['data'], stride: number, unit: number): void {
  let weighted = 0;
  let alphaSum = 0;
  for (let i = 0; i < gray.length; i++) {
    const a = data[stride * i + stride - 1];
    weighted += gray[i] * a;
    alphaSum += a;
  }
  const under = alphaSum > 0 && weighted / alphaSum < 0.5 ? 1 : 0;
  for (let i = 0; i < gray.length; i++) {
    const a = data[stride * i + stride - 1] * unit;
    gray[i] = gray[i] * a + under * (1 - a);
  }
}

/** The bounding box [x0, y0, x1, y1] (inclusive) of the pixels `isInk` accepts, or null. */
function inkBox(gray: Float32Array, width: number, height: number, isInk: (g: number) => boolean): [number, number, number, number] | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (isInk(gray[row + x])) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y0 === height) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

/** Turns the gray pixels the resampling window reads into ink in [0, 1], in place. */
function toInk(gray: Float32Array, width: number, height: number, startX: number, startY: number, spanX: number, spanY: number, inverted: boolean, bg: number, gain: number): void {
  const xa = Math.max(0, Math.floor(startX) - 1);
  const xb = Math.min(width, Math.ceil(startX + spanX) + 1);
  const ya = Math.max(0, Math.floor(startY) - 1);
  const yb = Math.min(height, Math.ceil(startY + spanY) + 1);
  for (let y = ya; y < yb; y++) {
    for (let i = y * width + xa; i < y * width + xb; i++) {
      const v = ((inverted ? 1 - gray[i] : gray[i]) - bg) * gain;
      gray[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}

/** The median of the outermost ring of pixels: the background tone, even if the digit touches an edge. */
function borderMedian(gray: Float32Array, width: number, height: number): number {
  const histogram = new Uint32Array(256);
  let count = 0;
  const add = (v: number) => {
    histogram[Math.min(255, Math.max(0, Math.round(v * 255)))]++;
    count++;
  };
  for (let x = 0; x < width; x++) {
    add(gray[x]);
    if (height > 1) add(gray[(height - 1) * width + x]);
  }
  for (let y = 1; y < height - 1; y++) {
    add(gray[y * width]);
    if (width > 1) add(gray[y * width + width - 1]);
  }
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level];
    if (seen * 2 >= count) return level / 255;
  }
  return 1;
}

/** For each output index along one axis: the source indices it reads and their weights. */
interface AxisTaps {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/**
 * Taps along one axis for output pixels covering source [start + o/scale, start + (o+1)/scale).
 * Shrinking (scale < 1): each source pixel weighs by how much of it the output pixel covers
 * (area averaging, the box filter, so thin strokes fade instead of vanishing). Enlarging:
 * bilinear between the two nearest source pixel centres. Source pixels outside the image are
 * background (0) and simply get no tap.
 */
function axisTaps(sourceLength: number, start: number, scale: number, outLength: number): AxisTaps {
  const stride = scale < 1 ? Math.ceil(1 / scale) + 2 : 2;
  const first = new Int32Array(outLength);
  const count = new Int32Array(outLength);
  const weights = new Float32Array(outLength * stride);
  for (let o = 0; o < outLength; o++) {
    const from = start + o / scale;
    const to = start + (o + 1) / scale;
    let lo: number;
    let taps: number[];
    if (scale < 1) {
      lo = Math.floor(from);
      taps = [];
      for (let s = lo; s < to; s++) taps.push((Math.min(to, s + 1) - Math.max(from, s)) * scale);
    } else {
      const center = (from + to) / 2 - 0.5;
      lo = Math.floor(center);
      const t = center - lo;
      taps = [1 - t, t];
    }
    // Drop taps outside the source; what remains keeps its weight (outside is background).
    const skip = Math.max(0, -lo);
    const keep = Math.max(0, Math.min(taps.length, sourceLength - lo) - skip);
    first[o] = Math.min(lo + skip, sourceLength);
    count[o] = keep;
    for (let k = 0; k < keep; k++) weights[o * stride + k] = taps[skip + k];
  }
  return { first, count, weights, stride };
}

/** Separable resampling of the window into an outW × outH patch: rows first, then columns. */
function resample(gray: Float32Array, width: number, height: number, startX: number, startY: number, scale: number, outW: number, outH: number): Float32Array {
  const tx = axisTaps(width, startX, scale, outW);
  const ty = axisTaps(height, startY, scale, outH);
  // Only the source rows some output row reads need the horizontal pass.
  const rowLo = ty.first.reduce((a, b) => Math.min(a, b), height);
  const rowHi = ty.first.reduce((a, b, o) => Math.max(a, b + ty.count[o]), 0);
  const rows = Math.max(0, rowHi - rowLo);
  const horizontal = new Float32Array(rows * outW);
  for (let r = 0; r < rows; r++) {
    const source = (rowLo + r) * width;
    for (let o = 0; o < outW; o++) {
      let sum = 0;
      const base = source + tx.first[o];
      const w = o * tx.stride;
      for (let k = 0; k < tx.count[o]; k++) sum += gray[base + k] * tx.weights[w + k];
      horizontal[r * outW + o] = sum;
    }
  }
  const patch = new Float32Array(outW * outH);
  for (let o = 0; o < outH; o++) {
    const w = o * ty.stride;
    for (let x = 0; x < outW; x++) {
      let sum = 0;
      for (let k = 0; k < ty.count[o]; k++) sum += horizontal[(ty.first[o] - rowLo + k) * outW + x] * ty.weights[w + k];
      patch[o * outW + x] = sum > 1 ? 1 : sum;
    }
  }
  return patch;
}

/** Pastes the patch into 28×28, shifted by whole pixels so its centre of mass is nearest (14, 14). */
function placeByCenterOfMass(patch: Float32Array, outW: number, outH: number, box: PreprocessedDigit['box'], inverted: boolean): PreprocessedDigit | null {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = patch[y * outW + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (mass <= 0) return null;
  const cx = mx / mass;
  const cy = my / mass;
  // Whole-pixel shifts (no resampling blur). A tie (centre of mass at x.5) goes towards the
  // frame's geometric centre (13.5), so a symmetric shape sits in the central 20×20 box.
  // The patch always stays whole inside the frame, even if that leaves the centre a little off.
  const shift = (center: number, size: number) =>
    Math.min(IMAGE_SIDE - size, Math.max(0, Math.ceil(CENTER_OF_MASS_TARGET - center - 0.5)));
  const left = shift(cx, outW);
  const top = shift(cy, outH);
  const pixels = new Float32Array(PIXELS);
  for (let y = 0; y < outH; y++) pixels.set(patch.subarray(y * outW, (y + 1) * outW), (top + y) * IMAGE_SIDE + left);
  return { pixels, box, centerOfMass: { x: left + cx, y: top + cy }, inverted };
}
