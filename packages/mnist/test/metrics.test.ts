import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmaxRows,
  confusionMatrix,
  entropyBits,
  meanCrossEntropy,
  meanCrossEntropyFromProbabilities,
  meanEntropyBits,
  MetricInputError,
  precisionRecall,
  softmax,
} from '@mnist-onnx/mnist';

describe('softmax', () => {
  it('matches hand-computed values row by row', () => {
    // Row 1: e^0, e^1, e^2 over their sum 1 + 2.71828 + 7.38906 = 11.10734.
    const p = softmax([0, 1, 2, 5, 5, 5], 3);
    expect(Array.from(p.subarray(0, 3))).toEqual([
      expect.closeTo(0.0900306, 6), expect.closeTo(0.2447285, 6), expect.closeTo(0.6652410, 6),
    ]);
    expect(Array.from(p.subarray(3))).toEqual([expect.closeTo(1 / 3, 6), expect.closeTo(1 / 3, 6), expect.closeTo(1 / 3, 6)]);
  });

  it('stays finite for huge logits (subtracts the row maximum first)', () => {
    const p = softmax([1000, 1000, -1000, 1e30], 2);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0, 1]);
  });

  it('defaults to 10 classes', () => {
    const p = softmax(new Array(20).fill(0));
    expect(p).toHaveLength(20);
    expect(p[0]).toBeCloseTo(0.1, 6);
  });
});

describe('argmaxRows and accuracy', () => {
  it('picks the largest entry of each row, the first one on ties', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 3, 3, 1, -5, -1, -2], 3))).toEqual([1, 0, 1]);
  });

  it('counts the fraction of predictions equal to the label', () => {
    expect(accuracy([1, 2, 3, 4], Uint8Array.from([1, 2, 0, 4]))).toBe(0.75);
    expect(accuracy([7], [7])).toBe(1);
  });
});

describe('cross-entropy', () => {
  it('from logits: log-sum-exp minus the true logit, averaged, in nats', () => {
    // Row [0, ln 3] with label 1: log(1 + 3) − ln 3 = ln(4/3); uniform row of 2: ln 2.
    const loss = meanCrossEntropy([0, Math.log(3), 7, 7], [1, 0], 2);
    expect(loss).toBeCloseTo((Math.log(4 / 3) + Math.log(2)) / 2, 12);
  });

  it('from logits: stays finite for extreme logits', () => {
    expect(meanCrossEntropy([1000, 0], [1], 2)).toBeCloseTo(1000, 9);
    expect(meanCrossEntropy([1000, 0], [0], 2)).toBe(0);
  });

  it('agrees with −log of the softmax probability', () => {
    const logits = [0.3, -1.2, 2.5, 0.1, 0.4, 0.9];
    const probs = softmax(logits, 3);
    expect(meanCrossEntropy(logits, [2, 0], 3)).toBeCloseTo(-(Math.log(probs[2]) + Math.log(probs[3])) / 2, 6);
  });

  it('from probabilities: −log p of the label, clamped at epsilon', () => {
    expect(meanCrossEntropyFromProbabilities([0.25, 0.75, 0.5, 0.5], [1, 0], 2)).toBeCloseTo((-Math.log(0.75) - Math.log(0.5)) / 2, 12);
    expect(meanCrossEntropyFromProbabilities([1, 0], [1], 2)).toBeCloseTo(-Math.log(1e-7), 9);
  });
});

describe('confusion matrix and precision/recall', () => {
  // Truth 0,0,0,1,1,2 ; guesses 0,0,1,1,2,2.
  const labels = [0, 0, 0, 1, 1, 2];
  const predicted = [0, 0, 1, 1, 2, 2];

  it('puts the truth in rows and the prediction in columns', () => {
    expect(confusionMatrix(predicted, labels, 3)).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('computes per-class precision, recall, F1 and the counts behind them', () => {
    const pr = precisionRecall(confusionMatrix(predicted, labels, 3));
    expect(pr.precision).toEqual([1, 0.5, 0.5]);
    expect(pr.recall).toEqual([2 / 3, 0.5, 1]);
    expect(pr.f1[0]).toBeCloseTo(0.8, 12);
    expect(pr.f1[2]).toBeCloseTo(2 / 3, 12);
    expect(pr.support).toEqual([3, 2, 1]);
    expect(pr.predicted).toEqual([2, 2, 2]);
  });

  it('defines 0/0 as 0 for a class never predicted and absent from the labels', () => {
    const pr = precisionRecall(confusionMatrix([0, 1], [0, 1], 3));
    expect(pr.precision).toEqual([1, 1, 0]);
    expect(pr.recall).toEqual([1, 1, 0]);
    expect(pr.f1).toEqual([1, 1, 0]);
    expect(pr.support[2]).toBe(0);
    expect(JSON.parse(JSON.stringify(pr))).toEqual(pr);
  });
});

describe('entropy in bits', () => {
  it('is 2 bits for a uniform 4-way distribution (the seed\'s check)', () => {
    expect(entropyBits([0.25, 0.25, 0.25, 0.25], 4)[0]).toBeCloseTo(2, 12);
  });

  it('is 0 for a certain prediction, 1 for a coin flip, log2(10) for uniform over digits', () => {
    expect(Array.from(entropyBits([1, 0, 0.5, 0.5], 2))).toEqual([0, 1]);
    expect(entropyBits(new Array(10).fill(0.1))[0]).toBeCloseTo(Math.log2(10), 12);
  });

  it('averages over rows', () => {
    // Rows: 0 bits, 1 bit, 1.5 bits (0.5, 0.25, 0.25).
    expect(meanEntropyBits([1, 0, 0, 0.5, 0.5, 0, 0.5, 0.25, 0.25], 3)).toBeCloseTo(2.5 / 3, 12);
  });
});

describe('bad inputs raise MetricInputError naming the problem', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['ragged rows', () => softmax([1, 2, 3], 2), /softmax: logits: 3 values is not a whole number of rows of 2/],
    ['no rows', () => entropyBits([], 4), /entropyBits: probabilities: no rows/],
    ['bad class count', () => argmaxRows([1, 2], 0), /classes must be a positive integer, got 0/],
    ['length mismatch', () => accuracy([1, 2], [1]), /accuracy: 2 predictions for 1 labels/],
    ['no samples', () => accuracy([], []), /accuracy: no samples/],
    ['label out of range', () => meanCrossEntropy([0, 0], [2], 2), /meanCrossEntropy: label at index 0 is 2, outside 0–1/],
    ['rows vs labels', () => meanCrossEntropy([0, 0, 0, 0], [1], 2), /meanCrossEntropy: 2 rows for 1 labels/],
    ['prediction out of range', () => confusionMatrix([10], [0]), /confusionMatrix: prediction at index 0 is 10, outside 0–9/],
    ['non-square matrix', () => precisionRecall([[1, 0], [0]]), /precisionRecall: row 1 has 1 entries, expected 2/],
  ];
  it.each(cases)('%s', (_name, call, message) => {
    expect(call).toThrow(MetricInputError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as MetricInputError).code).toBe('METRIC_INPUT');
    }
  });
});
