import { NUM_CLASSES, PIXELS, softmax } from '@mnist-onnx/mnist';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { createSession, type CreateSessionOptions } from './create-session.js';
import type { ExecutionProviderName, SkippedProvider } from './execution-provider.js';
import { resolveInputConvention, type InputConvention, type Normalization } from './input-convention.js';
import { readModelFile, type ModelFile } from './model-file.js';
import { looksLikeProbabilities, readClassifierSignature, type ModelSignature, type OutputKind } from '@mnist-onnx/mnist';

export interface LoadClassifierOptions extends CreateSessionOptions {
  /** Path of the .onnx file. */
  model: string;
  /** Input normalisation to apply, overriding the model's metadata. */
  normalize?: Normalization;
}

/** Everything we learnt while loading: what runs where, and how the model is fed and read. */
export interface ClassifierInfo {
  modelPath: string;
  modelBytes: number;
  producer: string;
  opsetVersion: number;
  metadata: Record<string, string>;
  provider: ExecutionProviderName;
  skipped: SkippedProvider[];
  notes: string[];
  sessionCreateMs: number;
  signature: ModelSignature;
  input: InputConvention;
}

export interface ClassifierOutput {
  /** count × 10 class probabilities. */
  probabilities: Float32Array;
  /** count × 10 logits, when that is what the model outputs. */
  logits?: Float32Array;
}

/** An ONNX MNIST classifier on one execution provider: pixels in, class probabilities out. */
export class MnistClassifier {
  readonly info: ClassifierInfo;
  readonly #session: InferenceSession;
  #outputKind: OutputKind | undefined;

  private constructor(session: InferenceSession, info: ClassifierInfo) {
    this.#session = session;
    this.info = info;
    this.#outputKind = info.signature.outputKind;
  }

  static async load(options: LoadClassifierOptions): Promise<MnistClassifier> {
    const model: ModelFile = await readModelFile(options.model);
    const choice = await createSession(model, options);
    try {
      const signature = readClassifierSignature(choice.session, model.outputOps, model.path);
      return new MnistClassifier(choice.session, {
        modelPath: model.path,
        modelBytes: model.bytes.length,
        producer: model.producer,
        opsetVersion: model.opsetVersion,
        metadata: model.metadata,
        provider: choice.provider,
        skipped: choice.skipped,
        notes: choice.notes,
        sessionCreateMs: choice.sessionCreateMs,
        signature,
        input: resolveInputConvention(model.metadata, options.normalize),
      });
    } catch (error) {
      await choice.session.release();
      throw error;
    }
  }

  /** Logits or probabilities, as the model's output holds them (known after the first batch). */
  get outputKind(): OutputKind | undefined {
    return this.#outputKind;
  }

  /**
   * Classifies `count` images given as bytes (0–255) or floats in [0,1], 784 per image,
   * white digit on black. Returns count × 10 probabilities, and the logits when the model
   * outputs logits (the loss is computed from them, as training does).
   */
  async classify(pixels: Uint8Array | Float32Array, count: number): Promise<ClassifierOutput> {
    const { fixedBatch } = this.info.signature;
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
    const { signature, input } = this.info;
    const scale = pixels instanceof Uint8Array ? 1 / 255 : 1;
    const data = new Float32Array(count * PIXELS);
    for (let i = 0; i < data.length; i++) data[i] = (pixels[i] * scale - input.mean) / input.std;
    const dims = signature.inputLayout === 'flat' ? [count, PIXELS] : [count, 1, 28, 28];
    const results = await this.#session.run({ [signature.inputName]: new Tensor('float32', data, dims) }, [signature.outputName]);
    const output = results[signature.outputName] as Tensor;
    const values = new Float32Array(output.data as Float32Array);
    output.dispose();
    this.#outputKind ??= looksLikeProbabilities(values) ? 'probabilities' : 'logits';
    return this.#outputKind === 'probabilities' ? { probabilities: values } : { probabilities: softmax(values, NUM_CLASSES), logits: values };
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
