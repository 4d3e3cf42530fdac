import { argmaxRows, confusionMatrix, NUM_CLASSES, PIXELS, type Dataset } from '@mnist-onnx/mnist';
import type { WebClassifier } from '../model/web-classifier.js';

export interface TestSetResult {
  count: number;
  correct: number;
  accuracy: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  seconds: number;
  imagesPerSecond: number;
  batchSize: number;
}

/** Batch size of test-set mode: big enough that per-run overhead stops mattering. */
export const TEST_BATCH = 250;

/**
 * Classifies the whole test set batch by batch, exactly as fed to the model by `pnpm infer`
 * (pixels / 255, no drawing preprocessing: the test digits already are MNIST images).
 * The clock covers inference only, not the download.
 */
export async function evaluateTestSet(classifier: WebClassifier, test: Dataset, onProgress?: (done: number) => void, batchSize = TEST_BATCH): Promise<TestSetResult> {
  const pixels = test.pixels01();
  const predicted = new Int32Array(test.count);
  const started = performance.now();
  for (let start = 0; start < test.count; start += batchSize) {
    const n = Math.min(batchSize, test.count - start);
    const probabilities = await classifier.classify(pixels.subarray(start * PIXELS, (start + n) * PIXELS), n);
    predicted.set(argmaxRows(probabilities, NUM_CLASSES), start);
    onProgress?.(start + n);
  }
  const seconds = (performance.now() - started) / 1000;
  const confusion = confusionMatrix(predicted, test.labels);
  const correct = confusion.reduce((sum, row, t) => sum + row[t], 0);
  return { count: test.count, correct, accuracy: correct / test.count, confusion, seconds, imagesPerSecond: test.count / seconds, batchSize };
}
