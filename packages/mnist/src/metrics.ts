import { NUM_CLASSES } from './constants.js';
import { MnistOnnxError } from './errors.js';

/**
 * Classification metrics on flat, row-major arrays (`rows × classes`), the layout that
 * tfjs `dataSync()` and ONNX Runtime tensors hand back, so nothing needs reshaping first.
 * Browser-safe: plain arithmetic, no Node APIs.
 */

/** Inputs that cannot be measured: mismatched lengths, no samples, a label out of range. */
export class MetricInputError extends MnistOnnxError {
  constructor(message: string) {
    super('METRIC_INPUT', message);
  }
}

/** Row-wise softmax, computed as exp(z − max z) so large logits do not overflow. */
export function softmax(logits: ArrayLike<number>, classes: number = NUM_CLASSES): Float32Array {
  const rows = rowCount(logits, classes, 'softmax: logits');
  const out = new Float32Array(logits.length);
  const exps = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const max = rowMax(logits, base, classes);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += exps[c] = Math.exp(logits[base + c] - max);
    for (let c = 0; c < classes; c++) out[base + c] = exps[c] / sum;
  }
  return out;
}

/** The index of the largest value in each row (the first one on ties). */
export function argmaxRows(values: ArrayLike<number>, classes: number = NUM_CLASSES): Int32Array {
  const rows = rowCount(values, classes, 'argmaxRows: values');
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[base + c] > values[base + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Fraction of predictions equal to their label, in [0, 1]. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  sameLength(predicted, labels, 'accuracy');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * Mean cross-entropy, in nats (natural log), from raw **logits** (`rows × classes`) and the
 * true labels: the mean of log Σ exp(z) − z_label, with the log-sum-exp shifted by the row's
 * maximum so it stays finite for any logits. This is the loss tfjs' softmax cross-entropy reports.
 */
export function meanCrossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number = NUM_CLASSES): number {
  const rows = rowCount(logits, classes, 'meanCrossEntropy: logits');
  checkLabels(labels, rows, classes, 'meanCrossEntropy');
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const max = rowMax(logits, base, classes);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - max);
    total += max + Math.log(sum) - logits[base + labels[r]];
  }
  return total / rows;
}

/**
 * Mean cross-entropy, in nats, from **probabilities** (a model that ends in softmax): the mean
 * of −log p_label, with p clamped to at least `epsilon` so a confident mistake costs
 * −log(epsilon) (≈ 16.1 nats for the default 1e-7, as in Keras) instead of infinity.
 */
export function meanCrossEntropyFromProbabilities(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number = NUM_CLASSES,
  epsilon = 1e-7,
): number {
  const rows = rowCount(probabilities, classes, 'meanCrossEntropyFromProbabilities: probabilities');
  checkLabels(labels, rows, classes, 'meanCrossEntropyFromProbabilities');
  let total = 0;
  for (let r = 0; r < rows; r++) total -= Math.log(Math.max(probabilities[r * classes + labels[r]], epsilon));
  return total / rows;
}

/** `matrix[trueLabel][predicted]` = number of samples; rows are the truth, columns the guess. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number = NUM_CLASSES): number[][] {
  sameLength(predicted, labels, 'confusionMatrix');
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    checkClass(labels[i], classes, `confusionMatrix: label at index ${i}`);
    checkClass(predicted[i], classes, `confusionMatrix: prediction at index ${i}`);
    matrix[labels[i]][predicted[i]]++;
  }
  return matrix;
}

export interface PrecisionRecall {
  /** Per class: correct predictions of c / all predictions of c. 0 when c was never predicted. */
  precision: number[];
  /** Per class: correct predictions of c / samples whose label is c. 0 when c has no samples. */
  recall: number[];
  /** Per class: harmonic mean of precision and recall; 0 when both are 0. */
  f1: number[];
  /** Per class: samples whose label is c (the row sums), so a 0 above can be told apart. */
  support: number[];
  /** Per class: how often c was predicted (the column sums). */
  predicted: number[];
}

/**
 * Per-class precision and recall from a confusion matrix (rows = truth). A ratio whose
 * denominator is zero (a class never predicted, or absent from the labels) is defined as 0,
 * as scikit-learn's default does, so the result always serialises to JSON; `support` and
 * `predicted` carry the counts that tell such a 0 apart from a real one.
 */
export function precisionRecall(confusion: readonly (readonly number[])[]): PrecisionRecall {
  const classes = confusion.length;
  confusion.forEach((row, i) => {
    if (row.length !== classes) throw new MetricInputError(`precisionRecall: row ${i} has ${row.length} entries, expected ${classes} (a square matrix)`);
  });
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = confusion.map((_, c) => confusion.reduce((sum, row) => sum + row[c], 0));
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = confusion.map((row, c) => ratio(row[c], predicted[c]));
  const recall = confusion.map((row, c) => ratio(row[c], support[c]));
  const f1 = precision.map((p, c) => ratio(2 * p * recall[c], p + recall[c]));
  return { precision, recall, f1, support, predicted };
}

/**
 * Shannon entropy of each row of probabilities, in bits (−Σ p log₂ p, with 0·log 0 = 0):
 * 0 for a certain prediction, log₂(classes) for a uniform one (2 bits for 4 classes).
 */
export function entropyBits(probabilities: ArrayLike<number>, classes: number = NUM_CLASSES): Float64Array {
  const rows = rowCount(probabilities, classes, 'entropyBits: probabilities');
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let c = 0; c < classes; c++) {
      const p = probabilities[r * classes + c];
      if (p > 0) h -= p * Math.log2(p);
    }
    out[r] = h;
  }
  return out;
}

/** Mean over rows of `entropyBits`: how undecided the model is on average. */
export function meanEntropyBits(probabilities: ArrayLike<number>, classes: number = NUM_CLASSES): number {
  const perRow = entropyBits(probabilities, classes);
  return perRow.reduce((a, b) => a + b, 0) / perRow.length;
}

function rowCount(values: ArrayLike<number>, classes: number, what: string): number {
  if (!Number.isInteger(classes) || classes < 1) throw new MetricInputError(`${what}: classes must be a positive integer, got ${classes}`);
  if (values.length === 0) throw new MetricInputError(`${what}: no rows`);
  if (values.length % classes !== 0) {
    throw new MetricInputError(`${what}: ${values.length} values is not a whole number of rows of ${classes}`);
  }
  return values.length / classes;
}

function rowMax(values: ArrayLike<number>, base: number, classes: number): number {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) if (values[base + c] > max) max = values[base + c];
  return max;
}

function sameLength(predicted: ArrayLike<number>, labels: ArrayLike<number>, what: string): void {
  if (labels.length === 0) throw new MetricInputError(`${what}: no samples`);
  if (predicted.length !== labels.length) {
    throw new MetricInputError(`${what}: ${predicted.length} predictions for ${labels.length} labels`);
  }
}

function checkLabels(labels: ArrayLike<number>, rows: number, classes: number, what: string): void {
  if (labels.length !== rows) throw new MetricInputError(`${what}: ${rows} rows for ${labels.length} labels`);
  for (let i = 0; i < rows; i++) checkClass(labels[i], classes, `${what}: label at index ${i}`);
}

function checkClass(value: number, classes: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= classes) {
    throw new MetricInputError(`${what} is ${value}, outside 0–${classes - 1}`);
  }
}
