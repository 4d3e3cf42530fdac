import * as ort from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { createSession, type CreateSessionOptions } from './create-session.js';
import type { ExecutionProviderName, SkippedProvider } from './execution-provider.js';
import { resolveInputConvention, type InputConvention, type Normalization } from './input-convention.js';
import { readModelFile, type ModelFile } from './model-file.js';
import { checkFixedBatch, ClassifierRunner, readClassifierSignature, type ClassifierOutput, type ModelSignature, type OutputKind } from '@mnist-onnx/mnist';

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

export type { ClassifierOutput } from '@mnist-onnx/mnist';

/**
 * An ONNX MNIST classifier on one execution provider: pixels in, class probabilities out. The
 * run loop is the classifier contract's (ClassifierRunner, shared with the page).
 */
export class MnistClassifier {
  readonly info: ClassifierInfo;
  readonly #session: InferenceSession;
  readonly #runner: ClassifierRunner<Tensor>;

  private constructor(session: InferenceSession, info: ClassifierInfo) {
    this.#session = session;
    this.info = info;
    this.#runner = new ClassifierRunner<Tensor>(ort, session, info.signature, info.input, info.modelPath);
  }

  static async load(options: LoadClassifierOptions): Promise<MnistClassifier> {
    const model: ModelFile = await readModelFile(options.model);
    const choice = await createSession(model, options);
    try {
      const signature = readClassifierSignature(choice.session, model.outputOps, model.path);
      checkFixedBatch(signature, model.path);
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
    return this.#runner.outputKind;
  }

  /**
   * Classifies `count` images given as bytes (0–255) or floats in [0,1], 784 per image,
   * white digit on black. Returns count × 10 probabilities, and the logits when the model
   * outputs logits (the loss is computed from them, as training does).
   */
  classify(pixels: Uint8Array | Float32Array, count: number): Promise<ClassifierOutput> {
    return this.#runner.classify(pixels, count);
  }

  async dispose(): Promise<void> {
    await this.#runner.idle();
    await this.#session.release();
  }
}
