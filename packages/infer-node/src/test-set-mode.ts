import { performance } from 'node:perf_hooks';
import { NUM_CLASSES, argmaxRows, confusionMatrix, entropyBits, meanCrossEntropy, meanCrossEntropyFromProbabilities, precisionRecall } from '@mnist-onnx/mnist';
import type { MnistClassifier } from './classifier.js';
import type { ProgressCallback } from './progress.js';
import type { RunContext, TestSetReport } from './report.js';
import type { StreamedTestSet } from './test-set.js';

type TestSetResult = Omit<TestSetReport, 'mode' | keyof RunContext>;

/**
 * Streams the test set through the classifier batch by batch. Only sums are kept between
 * batches (confusion counts, loss and entropy totals), so memory does not grow with the set.
 */
export async function evaluateTestSet(classifier: MnistClassifier, testSet: StreamedTestSet, batchSize: number, onProgress?: ProgressCallback): Promise<TestSetResult> {
  const confusion = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  let lossSum = 0;
  let entropySum = 0;
  let done = 0;
  let inferenceMs = 0;
  const started = performance.now();
  for await (const batch of testSet.batches(batchSize)) {
    const n = batch.labels.length;
    const t0 = performance.now();
    const { probabilities, logits } = await classifier.classify(batch.images, n);
    inferenceMs += performance.now() - t0;
    for (const h of entropyBits(probabilities)) entropySum += h;
    // From logits when the model gives them: the loss training reports, exact for any logit.
    lossSum += (logits ? meanCrossEntropy(logits, batch.labels) : meanCrossEntropyFromProbabilities(probabilities, batch.labels)) * n;
    const batchConfusion = confusionMatrix(argmaxRows(probabilities), batch.labels);
    for (let t = 0; t < NUM_CLASSES; t++) for (let p = 0; p < NUM_CLASSES; p++) confusion[t][p] += batchConfusion[t][p];
    done += n;
    onProgress?.(done, testSet.count);
  }
  const seconds = (performance.now() - started) / 1000;
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  const perClass = precisionRecall(confusion);
  return {
    data: { id: testSet.id, images: testSet.imagesPath, labels: testSet.labelsPath, count: testSet.count },
    accuracy: done > 0 ? correct / done : 0,
    correct,
    count: done,
    meanLoss: done > 0 ? lossSum / done : 0,
    meanEntropyBits: done > 0 ? entropySum / done : 0,
    confusionMatrix: confusion,
    perClass: perClass.support.map((support, label) => ({ label, precision: perClass.precision[label], recall: perClass.recall[label], support })),
    seconds,
    imagesPerSecond: seconds > 0 ? done / seconds : 0,
    inferenceSeconds: inferenceMs / 1000,
    finishedAt: new Date().toISOString(),
  };
}
