import { IMAGE_SIDE, NUM_CLASSES, PIXELS } from '../constants.js';
import { softmax } from '../metrics.js';
import type { InputConvention } from './input-convention.js';
import { assertFiniteOutputs } from './run-bounds.js';
import { looksLikeProbabilities, type ModelSignature, type OutputKind } from './signature.js';

/** The parts of an onnxruntime-node or onnxruntime-web Tensor the runner touches. */
export interface OrtTensorLike {
  readonly data: unknown;
  dispose(): void;
}

/** The onnxruntime module (node or web) whose Tensor class goes with the session. */
export interface OrtModuleLike<T extends OrtTensorLike> {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => T;
}

export interface OrtSessionLike<T extends OrtTensorLike> {
  run(feeds: Record<string, T>, fetches: string[]): Promise<Record<string, T>>;
}

export interface ClassifierOutput {
  /** count × 10 class probabilities. */
  probabilities: Float32Array;
  /** count × 10 logits, when that is what the model outputs. */
  logits?: Float32Array;
}

/**
 * The one run loop of an ONNX MNIST classifier, for onnxruntime-node and onnxruntime-web alike:
 * pixels in (bytes 0–255 or floats in [0,1], 784 per image, white on black), the model's input
 * convention and layout applied, fixed batches fed in zero-padded chunks, non-finite outputs
 * refused, and logits turned into probabilities (deciding logits vs probabilities from the first
 * batch when the graph does not say). Runs go one after another: a session runs one at a time.
 */
export class ClassifierRunner<T extends OrtTensorLike> {
  readonly #ort: OrtModuleLike<T>;
  readonly #session: OrtSessionLike<T>;
  readonly #signature: ModelSignature;
  readonly #input: InputConvention;
  readonly #file: string;
  #outputKind: OutputKind | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ort: OrtModuleLike<T>, session: OrtSessionLike<T>, signature: ModelSignature, input: InputConvention, file: string) {
    this.#ort = ort;
    this.#session = session;
    this.#signature = signature;
    this.#input = input;
    this.#file = file;
    this.#outputKind = signature.outputKind;
  }

  /** Logits or probabilities, as the model's output holds them (known after the first batch). */
  get outputKind(): OutputKind | undefined {
    return this.#outputKind;
  }

  /** Classifies `count` images; count × 10 probabilities, and the logits when the model outputs logits. */
  classify(pixels: Uint8Array | Float32Array, count: number): Promise<ClassifierOutput> {
    const run = this.#queue.then(() => this.#classify(pixels, count));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the runs already asked for have finished (before releasing the session). */
  async idle(): Promise<void> {
    await this.#queue;
  }

  /** One run on a blank batch, so that a session that loads but cannot run fails now, not on first use. */
  async warmUp(): Promise<void> {
    const count = this.#signature.fixedBatch ?? 1;
    await this.#runSession(new Float32Array(count * PIXELS), count);
  }

  async #classify(pixels: Uint8Array | Float32Array, count: number): Promise<ClassifierOutput> {
    const { fixedBatch } = this.#signature;
    if (!fixedBatch || fixedBatch === count) return this.#run(pixels, count);
    // A model with a fixed batch dimension: feed it chunks of exactly that size, zero-padded.
    const probabilities = new Float32Array(count * NUM_CLASSES);
    const logits = new Float32Array(count * NUM_CLASSES);
    let haveLogits = false;
    for (let start = 0; start < count; start += fixedBatch) {
      const n = Math.min(fixedBatch, count - start);
      const chunk = pixels instanceof Uint8Array ? new Uint8Array(fixedBatch * PIXELS) : new Float32Array(fixedBatch * PIXELS);
      chunk.set(pixels.subarray(start * PIXELS, (start + n) * PIXELS));
      const out = await this.#run(chunk, fixedBatch);
      probabilities.set(out.probabilities.subarray(0, n * NUM_CLASSES), start * NUM_CLASSES);
      if (out.logits) {
        logits.set(out.logits.subarray(0, n * NUM_CLASSES), start * NUM_CLASSES);
        haveLogits = true;
      }
    }
    return haveLogits ? { probabilities, logits } : { probabilities };
  }

  async #run(pixels: Uint8Array | Float32Array, count: number): Promise<ClassifierOutput> {
    const { mean, std, normalized } = this.#input;
    // A new input buffer for every run: onnxruntime-web may hold on to (or transfer) the data of
    // a tensor it was given. At 3 KB per image, allocating it costs microseconds.
    const data = new Float32Array(count * PIXELS);
    if (pixels instanceof Float32Array && !normalized) data.set(pixels.subarray(0, data.length));
    else {
      const scale = pixels instanceof Uint8Array ? 1 / 255 : 1;
      for (let i = 0; i < data.length; i++) data[i] = (pixels[i] * scale - mean) / std;
    }
    const values = await this.#runSession(data, count);
    assertFiniteOutputs(values, this.#file, NUM_CLASSES);
    this.#outputKind ??= looksLikeProbabilities(values) ? 'probabilities' : 'logits';
    return this.#outputKind === 'probabilities' ? { probabilities: values } : { probabilities: softmax(values, NUM_CLASSES), logits: values };
  }

  /** One run of the session on `count` model-ready images; the output values, copied out. */
  async #runSession(data: Float32Array, count: number): Promise<Float32Array> {
    const signature = this.#signature;
    const dims = signature.inputLayout === 'flat' ? [count, PIXELS] : [count, 1, IMAGE_SIDE, IMAGE_SIDE];
    const tensor = new this.#ort.Tensor('float32', data, dims);
    try {
      const results = await this.#session.run({ [signature.inputName]: tensor }, [signature.outputName]);
      const output = results[signature.outputName];
      const values = new Float32Array(output.data as Float32Array);
      output.dispose();
      return values;
    } finally {
      tensor.dispose();
    }
  }
}
