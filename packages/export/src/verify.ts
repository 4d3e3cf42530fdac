import { startNodeSession } from '@mnist-onnx/devices/node';
import { accuracy, argmaxRows } from '@mnist-onnx/mnist';
import { Tensor, env } from 'onnxruntime-node';
import { INPUT_NAME } from './build-onnx.js';
import { VerificationError } from './errors.js';

/**
 * Runs ONNX bytes in onnxruntime-node on the CPU EP; returns the named outputs, flat.
 * `batch` rows go into each run (default: all at once). It matters only for a model whose
 * result depends on its batch, as int8 dynamic's does (one activation scale per run).
 */
export async function runOnnx(bytes: Uint8Array, inputs: Float32Array, count: number, features: number, outputNames: string[], batch = count): Promise<Record<string, Float32Array>> {
  // The CPU EP through the device policy: if it cannot start, the error says so in one line.
  const { session } = await startNodeSession(bytes, { device: 'cpu', flag: 'onnxruntime-node' });
  try {
    const outputs: Record<string, Float32Array> = {};
    for (let start = 0; start < count; start += batch) {
      const rows = Math.min(batch, count - start);
      const feeds = { [INPUT_NAME]: new Tensor('float32', inputs.subarray(start * features, (start + rows) * features), [rows, features]) };
      const results = await session.run(feeds, outputNames);
      for (const name of outputNames) {
        const data = results[name].data as Float32Array;
        if (rows === count) outputs[name] = data;
        else (outputs[name] ??= new Float32Array((count * data.length) / rows)).set(data, (start * data.length) / rows);
      }
    }
    return outputs;
  } finally {
    await session.release();
  }
}

export const onnxruntimeVersion = (): string => env.versions.node ?? env.versions.common;

/** How closely two [count, classes] score matrices agree. */
export interface Comparison {
  samples: number;
  maxAbsDiff: number;
  /** Where the largest |Δ| is: test sample index and class. */
  worst: { sample: number; class: number; reference: number; candidate: number };
  /** Samples whose argmax is the same in both. */
  agreement: number;
  /** Up to 10 samples whose argmax differs. */
  disagreements: number[];
}

export function compareScores(reference: Float32Array, candidate: Float32Array, classes: number): Comparison {
  if (reference.length !== candidate.length) throw new RangeError(`score matrices differ in size: ${reference.length} vs ${candidate.length}`);
  let maxAbsDiff = -1;
  let worstIndex = 0;
  for (let i = 0; i < reference.length; i++) {
    // NaN never compares greater, so a NaN output is made the worst on purpose.
    const diff = Math.abs(reference[i] - candidate[i]);
    const d = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    if (d > maxAbsDiff) {
      maxAbsDiff = d;
      worstIndex = i;
    }
  }
  const a = argmaxRows(reference, classes);
  const b = argmaxRows(candidate, classes);
  const disagreements: number[] = [];
  let agreement = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) agreement++;
    else if (disagreements.length < 10) disagreements.push(i);
  }
  return {
    samples: a.length,
    maxAbsDiff,
    worst: { sample: Math.floor(worstIndex / classes), class: worstIndex % classes, reference: reference[worstIndex], candidate: candidate[worstIndex] },
    agreement,
    disagreements,
  };
}

export function accuracyOf(predictions: ArrayLike<number>, labels: Uint8Array): { correct: number; accuracy: number } {
  const rate = labels.length ? accuracy(predictions, labels) : 0;
  return { correct: Math.round(rate * labels.length), accuracy: rate };
}

export interface Tolerance {
  /** Largest allowed |Δ| between corresponding scores. */
  maxAbsDiff: number;
  /** Smallest allowed fraction of samples with the same argmax (1 = all). */
  minAgreement: number;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Throws a VerificationError naming the worst sample, its class and both values when the
 * ONNX scores drift beyond the tolerance or too many argmaxes differ.
 */
export function assertReproduces(comparison: Comparison, tolerance: Tolerance, what: { output: string; outFile: string; source: string; dataset: string }): void {
  const rate = comparison.agreement / comparison.samples;
  if (comparison.maxAbsDiff <= tolerance.maxAbsDiff && rate >= tolerance.minAgreement) return;
  const { worst } = comparison;
  const disagree = comparison.disagreements.length ? `; argmax differs on test samples ${comparison.disagreements.join(', ')}` : '';
  throw new VerificationError(
    `${what.outFile} not written: the ONNX model does not reproduce ${what.source} on the ${what.dataset} test set — ` +
      `max |Δ${what.output}| ${comparison.maxAbsDiff.toExponential(3)} (limit ${tolerance.maxAbsDiff}) at test sample ${worst.sample}, class ${worst.class} ` +
      `(tfjs ${worst.reference}, onnxruntime ${worst.candidate}); argmax agreement ${comparison.agreement}/${comparison.samples} ` +
      `(needs ${percent(tolerance.minAgreement)})${disagree}`,
  );
}
