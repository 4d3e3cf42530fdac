import * as tf from '@tensorflow/tfjs';
import { argmaxRows, NUM_CLASSES, PIXELS, type Dataset } from '@mnist-onnx/mnist';
import { INPUT_NAME, LOGITS_NAME } from '@mnist-onnx/export/browser';
import { forward } from '@mnist-onnx/train/browser';
import { createSession } from '../runtime/create-session.js';
import type { TrainedModel } from './page-trainer.js';

/** What `pnpm export` demands of a float32 file: the same logits to 1e-4 and every argmax the same. */
export const PAGE_TOLERANCE = { maxAbsDiff: 1e-4, minAgreement: 1 } as const;

export interface PageVerification {
  samples: number;
  maxAbsDiff: number;
  /** Test digits whose argmax is the same in onnxruntime-web and tfjs. */
  agreement: number;
  /** The ONNX file's own accuracy on the test set (what `pnpm infer --model` reports for it). */
  onnxCorrect: number;
  tfjsCorrect: number;
  passed: boolean;
  /** Why it failed, in one line (passed: undefined). */
  failure?: string;
}

/** The tfjs model's logits for the whole test set, on the backend it trained on. */
async function tfjsLogits(trained: TrainedModel, test: Dataset): Promise<Float32Array> {
  const logits = tf.tidy(() => forward(trained.params, trained.config, tf.tensor2d(test.normalized(), [test.count, PIXELS])));
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

/**
 * The ONNX bytes' logits for the whole test set in onnxruntime-web, fed raw [0,1] pixels. The
 * wasm EP, named explicitly, through the page's one way to start a session (the device policy):
 * the reference check does not depend on the GPU the page may draw on.
 */
async function onnxLogits(bytes: Uint8Array, test: Dataset, threads: number): Promise<Float32Array> {
  const { ort, session } = await createSession(bytes, 'wasm', threads);
  const input = new ort.Tensor('float32', test.pixels01(), [test.count, PIXELS]);
  try {
    const results = await session.run({ [INPUT_NAME]: input }, [LOGITS_NAME]);
    const values = new Float32Array(results[LOGITS_NAME].data as Float32Array);
    results[LOGITS_NAME].dispose();
    return values;
  } finally {
    input.dispose();
    await session.release();
  }
}

const countCorrect = (predicted: Int32Array, labels: Uint8Array) => predicted.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0);

/**
 * Checks the exported bytes against the tfjs model they came from, on every test digit, before
 * the page uses or offers them: onnxruntime-web's logits against tfjs's, and the argmaxes.
 */
export async function verifyInPage(bytes: Uint8Array, trained: TrainedModel, test: Dataset, threads: number): Promise<PageVerification> {
  const [reference, candidate] = [await tfjsLogits(trained, test), await onnxLogits(bytes, test, threads)];
  let maxAbsDiff = 0;
  for (let i = 0; i < reference.length; i++) {
    const diff = Math.abs(reference[i] - candidate[i]);
    // NaN never compares greater: make it the worst on purpose.
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
  }
  const [a, b] = [argmaxRows(reference, NUM_CLASSES), argmaxRows(candidate, NUM_CLASSES)];
  const agreement = a.reduce((n, p, i) => n + (p === b[i] ? 1 : 0), 0);
  const result = { samples: test.count, maxAbsDiff, agreement, onnxCorrect: countCorrect(b, test.labels), tfjsCorrect: countCorrect(a, test.labels) };
  const failures: string[] = [];
  if (!(maxAbsDiff <= PAGE_TOLERANCE.maxAbsDiff)) failures.push(`max |Δlogit| ${maxAbsDiff.toExponential(2)} is above ${PAGE_TOLERANCE.maxAbsDiff}`);
  if (agreement / test.count < PAGE_TOLERANCE.minAgreement) failures.push(`only ${agreement}/${test.count} argmaxes agree`);
  return failures.length ? { ...result, passed: false, failure: `the ONNX file does not reproduce the tfjs model: ${failures.join('; ')}` } : { ...result, passed: true };
}
