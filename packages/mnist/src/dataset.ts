import { IMAGE_SIDE, MNIST_MEAN, MNIST_STD, NUM_CLASSES, PIXELS } from './constants.js';
import { IdxFormatError } from './errors.js';
import { decodeIdxImages, decodeIdxLabels } from './idx.js';
import { createRng, shuffleInPlace } from './random.js';

export interface Batch {
  /** Positions of the batch's samples in the dataset. */
  indices: Uint32Array;
  /** batch × 784 pixels, [0,1] or normalised (see `BatchOptions.normalize`). */
  pixels: Float32Array;
  labels: Uint8Array;
}

export interface BatchOptions {
  /** Visit samples in a seeded random order (default: in order). */
  shuffle?: boolean;
  seed?: number;
  /** Apply (x − mean) / std (default true); false gives pixels in [0,1]. */
  normalize?: boolean;
}

/** Maps a byte pixel to [0,1]. */
export const pixelTo01 = (value: number): number => value / 255;

/** Maps a [0,1] pixel to the network's normalised input. */
export const normalizePixel = (value01: number): number => (value01 - MNIST_MEAN) / MNIST_STD;

/**
 * Images and labels held as bytes (white digit on black, 0–255), exactly as in the IDX files.
 * Float views are made on request so a dataset costs one byte per pixel at rest.
 */
export class Dataset {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;

  constructor(images: Uint8Array, labels: Uint8Array) {
    if (images.length !== labels.length * PIXELS) {
      throw new RangeError(`Dataset: ${images.length} pixel bytes do not make ${labels.length} images of ${PIXELS}`);
    }
    this.images = images;
    this.labels = labels;
    this.count = labels.length;
  }

  /** The bytes of image `index` (a view, not a copy). */
  image(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`image index ${index} is outside 0–${this.count - 1}`);
    }
    return this.images.subarray(index * PIXELS, (index + 1) * PIXELS);
  }

  /** All pixels scaled to [0,1]. */
  pixels01(): Float32Array {
    return Float32Array.from(this.images, pixelTo01);
  }

  /** All pixels normalised with the MNIST mean and standard deviation. */
  normalized(): Float32Array {
    return Float32Array.from(this.images, (v) => normalizePixel(pixelTo01(v)));
  }

  /** How many samples of each digit. */
  classCounts(): number[] {
    const counts = new Array<number>(NUM_CLASSES).fill(0);
    for (const label of this.labels) counts[label]++;
    return counts;
  }

  slice(start: number, end?: number): Dataset {
    const stop = end ?? this.count;
    return new Dataset(this.images.slice(start * PIXELS, stop * PIXELS), this.labels.slice(start, stop));
  }

  /** Samples at the given positions, in that order. */
  select(indices: ArrayLike<number>): Dataset {
    const images = new Uint8Array(indices.length * PIXELS);
    const labels = new Uint8Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      images.set(this.image(indices[i]), i * PIXELS);
      labels[i] = this.labels[indices[i]];
    }
    return new Dataset(images, labels);
  }

  /** Iterates over batches; the last one may be smaller. */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<Batch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    const order = Uint32Array.from({ length: this.count }, (_, i) => i);
    if (options.shuffle) shuffleInPlace(order, createRng(options.seed ?? 0));
    const normalize = options.normalize ?? true;
    for (let start = 0; start < this.count; start += batchSize) {
      const indices = order.subarray(start, Math.min(start + batchSize, this.count));
      const pixels = new Float32Array(indices.length * PIXELS);
      const labels = new Uint8Array(indices.length);
      indices.forEach((sample, row) => {
        const source = this.image(sample);
        for (let p = 0; p < PIXELS; p++) {
          const v = pixelTo01(source[p]);
          pixels[row * PIXELS + p] = normalize ? normalizePixel(v) : v;
        }
        labels[row] = this.labels[sample];
      });
      yield { indices, pixels, labels };
    }
  }
}

/** What `assertMnistSplit` needs to know of an image file: its name and its header's dimensions. */
export interface IdxImagesShape {
  file: string;
  count: number;
  rows: number;
  cols: number;
}

/**
 * Checks that an image file and a label file make one MNIST split: 28×28 images and one label
 * per image. Shared by the in-memory loader, the streaming reader and the page.
 */
export function assertMnistSplit(images: IdxImagesShape, labels: { file: string; count: number }): void {
  if (images.rows !== IMAGE_SIDE || images.cols !== IMAGE_SIDE) {
    throw new IdxFormatError(images.file, `images are ${images.rows}×${images.cols}, expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  if (labels.count !== images.count) {
    throw new IdxFormatError(labels.file, `${labels.count} labels for ${images.count} images in ${baseName(images.file)}`);
  }
}

/** Decodes an uncompressed image file and label file into a Dataset, checked as one split. */
export function decodeMnistSplit(images: { file: string; bytes: Uint8Array }, labels: { file: string; bytes: Uint8Array }): Dataset {
  const decoded = decodeIdxImages(images.bytes, images.file);
  const labelBytes = decodeIdxLabels(labels.bytes, labels.file);
  assertMnistSplit({ file: images.file, count: decoded.count, rows: decoded.rows, cols: decoded.cols }, { file: labels.file, count: labelBytes.length });
  return new Dataset(decoded.pixels, labelBytes);
}

/** The last part of a path or URL; node:path is not available in the page. */
const baseName = (file: string): string => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
