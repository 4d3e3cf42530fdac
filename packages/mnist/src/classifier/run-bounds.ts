import { PIXELS } from '../constants.js';
import { MnistOnnxError } from '../errors.js';
import { ModelSignatureError } from './model-errors.js';
import type { ModelSignature } from './signature.js';

/**
 * What a model may ask of the runtime that runs it, checked the same way in Node and in the
 * page. A model is a file from anywhere: its declared shapes and its outputs are input too.
 */

/**
 * The largest fixed batch a model may declare. Every run of such a model is padded to the full
 * batch, so the batch sets the memory of a single run: 8192 images are 25.7 MB of float32
 * input. A model declaring [1000000,784] would take 3 GB per run (4 GB and 87 s were measured)
 * and one declaring [2000000000,784] more than a typed array can hold.
 */
export const MAX_FIXED_BATCH = 8192;

/** Throws ModelSignatureError when the model's fixed batch is too large to run in bounded memory. */
export function checkFixedBatch(signature: Pick<ModelSignature, 'fixedBatch' | 'inputName' | 'inputShape'>, file: string): void {
  const batch = signature.fixedBatch;
  if (batch === undefined || batch <= MAX_FIXED_BATCH) return;
  const megabytes = (batch * PIXELS * 4) / 1e6;
  throw new ModelSignatureError(
    file,
    `input "${signature.inputName}" is fixed to a batch of ${batch.toLocaleString('en-US')} images (${megabytes.toFixed(0)} MB per run); at most ${MAX_FIXED_BATCH} is supported: export the model with a dynamic batch dimension`,
  );
}

/** A model that ran but produced NaN or ±Infinity: its weights or graph are broken. */
export class ModelOutputError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('MODEL_OUTPUT', `${file}: ${problem}`);
    this.file = file;
  }
}

/** Throws ModelOutputError naming the model when any output value is not a finite number. */
export function assertFiniteOutputs(values: ArrayLike<number>, file: string, classes: number): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ModelOutputError(file, `the model output ${values[i]} (image ${Math.floor(i / classes) + 1} of the batch, class ${i % classes}); its weights or graph are broken (non-finite outputs)`);
    }
  }
}
