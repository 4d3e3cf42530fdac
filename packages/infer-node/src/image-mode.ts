import { performance } from 'node:perf_hooks';
import { NUM_CLASSES, PIXELS, argmaxRows, entropyBits, preprocessDigit } from '@mnist-onnx/mnist';
import type { MnistClassifier } from './classifier.js';
import { expandImagePaths, readImageFile } from './image-files.js';
import type { ProgressCallback } from './progress.js';
import type { ImageResult, ImagesReport } from './report.js';

type ImagesResult = Pick<ImagesReport, 'images' | 'seconds' | 'finishedAt'>;

/**
 * Classifies image files: each is decoded to grayscale, then put through the same MNIST
 * preprocessing as the web demo (polarity, crop, 20 px box, centre of mass), then run in
 * batches. A file that cannot be read stops the run with an error naming it.
 */
export async function classifyImages(classifier: MnistClassifier, paths: string[], batchSize: number, onProgress?: ProgressCallback): Promise<ImagesResult> {
  const files = await expandImagePaths(paths);
  const started = performance.now();
  const images: ImageResult[] = [];
  for (let start = 0; start < files.length; start += batchSize) {
    const chunk = files.slice(start, start + batchSize);
    // Only the 28×28 result of each image is kept: the decoded pixels are dropped as soon as
    // the digit is cut out of them, so a batch costs 784 floats per image, not a photo each.
    const decoded = [];
    for (const file of chunk) {
      const image = await readImageFile(file);
      decoded.push({ file, width: image.fileWidth, height: image.fileHeight, digit: preprocessDigit(image) });
    }
    const inked = decoded.flatMap((d) => (d.digit ? [d.digit] : []));
    const input = new Float32Array(inked.length * PIXELS);
    inked.forEach((digit, i) => input.set(digit.pixels, i * PIXELS));
    const probabilities = inked.length > 0 ? (await classifier.classify(input, inked.length)).probabilities : new Float32Array(0);
    const predictions = inked.length > 0 ? argmaxRows(probabilities) : new Int32Array(0);
    let row = 0;
    for (const d of decoded) {
      const base = { file: d.file, width: d.width, height: d.height, inverted: d.digit?.inverted ?? null };
      if (d.digit === null) {
        images.push({ ...base, prediction: null, probability: null, entropyBits: null, probabilities: null });
        continue;
      }
      const p = probabilities.subarray(row * NUM_CLASSES, (row + 1) * NUM_CLASSES);
      const prediction = predictions[row];
      images.push({ ...base, prediction, probability: p[prediction], entropyBits: entropyBits(p)[0], probabilities: Array.from(p) });
      row++;
    }
    onProgress?.(images.length, files.length);
  }
  return { images, seconds: (performance.now() - started) / 1000, finishedAt: new Date().toISOString() };
}
