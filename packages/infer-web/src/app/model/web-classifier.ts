import { createSession, type ProviderChoice, type ProviderName, type SkippedProvider } from '../runtime/create-session.js';
import type { Ort, OrtSession } from '../runtime/ort.js';
import { ModelLoadError } from './model-errors.js';
import {
  checkFixedBatch, ClassifierRunner, inputConventionOf, readClassifierSignature, readOnnxModelInfo,
  type InputConvention, type ModelSignature, type OnnxModelInfo, type OutputKind,
} from '@mnist-onnx/mnist';

export interface ClassifierInfo {
  /** File name (or URL) the model came from. */
  file: string;
  bytes: number;
  model: OnnxModelInfo;
  signature: ModelSignature;
  input: InputConvention;
  provider: ProviderName;
  /** e.g. the WebGPU adapter, or the wasm thread count. */
  providerDetail: string;
  skipped: SkippedProvider[];
  sessionCreateMs: number;
  /** The first run (on a blank image), done before the page says it is ready. */
  firstRunMs: number;
}

/**
 * An ONNX MNIST classifier in the page: 28×28 pixels in [0,1] in, probabilities out. The run
 * loop is the classifier contract's (ClassifierRunner, shared with `pnpm infer`); this adds the
 * page's provider choice, a first run before the page says it is ready, and reloading.
 */
export class WebClassifier {
  readonly info: ClassifierInfo;
  readonly #runner: ClassifierRunner<OrtTensor>;
  readonly #session: OrtSession;
  readonly #bytes: Uint8Array;

  private constructor(runner: ClassifierRunner<OrtTensor>, session: OrtSession, bytes: Uint8Array, info: ClassifierInfo) {
    this.#runner = runner;
    this.#session = session;
    this.#bytes = bytes;
    this.info = info;
  }

  /**
   * Checks that `bytes` are an ONNX model, creates a session on the chosen providers, reads
   * the model's signature and runs it once, so that a classifier that loads is one that predicts
   * (and its first live prediction does not pay for the first run's setup, which on WebGPU
   * compiles the shaders). Throws ModelLoadError / ModelSignatureError naming `file`.
   */
  static async load(bytes: Uint8Array, file: string, choice: ProviderChoice, threads: number): Promise<WebClassifier> {
    const model = readOnnxModelInfo(bytes, file);
    let created;
    try {
      created = await createSession(bytes, choice, threads);
    } catch (error) {
      throw new ModelLoadError(file, (error as Error).message, { cause: error });
    }
    try {
      const signature = readClassifierSignature(created.session, model.outputOps, file);
      // Refused before the first run: a huge fixed batch would freeze the tab on every stroke.
      checkFixedBatch(signature, file);
      const input = inputConventionOf(model.metadata);
      const runner = new ClassifierRunner<OrtTensor>(created.ort, created.session, signature, input, file);
      const firstRunMs = await firstRun(runner, created.provider, file);
      return new WebClassifier(runner, created.session, bytes, {
        file,
        bytes: bytes.length,
        model,
        signature,
        input,
        provider: created.provider,
        providerDetail: created.detail,
        skipped: created.skipped,
        sessionCreateMs: created.createMs,
        firstRunMs,
      });
    } catch (error) {
      await created.session.release();
      throw error;
    }
  }

  /** Logits or probabilities, as the model's output holds them (known after the first batch). */
  get outputKind(): OutputKind | undefined {
    return this.#runner.outputKind;
  }

  /** The same model on other execution providers. */
  reload(choice: ProviderChoice, threads: number): Promise<WebClassifier> {
    return WebClassifier.load(this.#bytes, this.info.file, choice, threads);
  }

  /** Classifies `count` images of 784 pixels in [0,1] (white on black); count × 10 probabilities. */
  async classify(pixels01: Float32Array, count: number): Promise<Float32Array> {
    return (await this.#runner.classify(pixels01, count)).probabilities;
  }

  async dispose(): Promise<void> {
    await this.#runner.idle();
    await this.#session.release();
  }
}

type OrtTensor = InstanceType<Ort['Tensor']>;

/** Runs a blank batch once and times it; a provider that loads but cannot run fails here, naming itself. */
async function firstRun(runner: ClassifierRunner<OrtTensor>, provider: ProviderName, file: string): Promise<number> {
  const started = performance.now();
  try {
    await runner.warmUp();
  } catch (error) {
    throw new ModelLoadError(file, `the first run on ${provider} failed: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  performance.mark(`digit-page:first-run:${provider}`);
  return performance.now() - started;
}
