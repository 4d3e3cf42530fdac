import { createSession, type ProviderChoice, type ProviderName, type SkippedProvider } from '../runtime/create-session.js';
import type { Ort, OrtSession } from '../runtime/ort.js';
import { ModelLoadError } from './model-errors.js';
import {
  inputConventionOf, looksLikeProbabilities, NUM_CLASSES, PIXELS, readClassifierSignature, readOnnxModelInfo, softmax,
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

/** An ONNX MNIST classifier in the page: 28×28 pixels in [0,1] in, probabilities out. */
export class WebClassifier {
  readonly info: ClassifierInfo;
  readonly #ort: Ort;
  readonly #session: OrtSession;
  readonly #bytes: Uint8Array;
  #outputKind: OutputKind | undefined;
  /** Runs go one after another: a session runs one request at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(ort: Ort, session: OrtSession, bytes: Uint8Array, info: ClassifierInfo) {
    this.#ort = ort;
    this.#session = session;
    this.#bytes = bytes;
    this.info = info;
    this.#outputKind = info.signature.outputKind;
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
      const firstRunMs = await firstRun(created.ort, created.session, signature, created.provider, file);
      return new WebClassifier(created.ort, created.session, bytes, {
        file,
        bytes: bytes.length,
        model,
        signature,
        input: inputConventionOf(model.metadata),
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

  /** The same model on other execution providers. */
  reload(choice: ProviderChoice, threads: number): Promise<WebClassifier> {
    return WebClassifier.load(this.#bytes, this.info.file, choice, threads);
  }

  /** Classifies `count` images of 784 pixels in [0,1] (white on black); count × 10 probabilities. */
  classify(pixels01: Float32Array, count: number): Promise<Float32Array> {
    const run = this.#queue.then(() => this.#classify(pixels01, count));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #classify(pixels01: Float32Array, count: number): Promise<Float32Array> {
    const { fixedBatch } = this.info.signature;
    if (!fixedBatch || fixedBatch === count) return this.#run(pixels01, count);
    // A model with a fixed batch dimension gets chunks of exactly that size, zero-padded.
    const out = new Float32Array(count * NUM_CLASSES);
    for (let start = 0; start < count; start += fixedBatch) {
      const n = Math.min(fixedBatch, count - start);
      const chunk = new Float32Array(fixedBatch * PIXELS);
      chunk.set(pixels01.subarray(start * PIXELS, (start + n) * PIXELS));
      out.set((await this.#run(chunk, fixedBatch)).subarray(0, n * NUM_CLASSES), start * NUM_CLASSES);
    }
    return out;
  }

  async #run(pixels01: Float32Array, count: number): Promise<Float32Array> {
    const { input } = this.info;
    // A new input buffer for every run: onnxruntime-web may hold on to (or transfer) the data
    // of a tensor it was given. At 3 KB per image, allocating it costs microseconds.
    const data = new Float32Array(count * PIXELS);
    if (input.normalized) for (let i = 0; i < data.length; i++) data[i] = (pixels01[i] - input.mean) / input.std;
    else data.set(pixels01.subarray(0, data.length));
    const values = await runSession(this.#ort, this.#session, this.info.signature, data, count);
    this.#outputKind ??= looksLikeProbabilities(values) ? 'probabilities' : 'logits';
    return this.#outputKind === 'probabilities' ? values : softmax(values, NUM_CLASSES);
  }

  async dispose(): Promise<void> {
    await this.#queue;
    await this.#session.release();
  }
}

/** One run of the session on `count` model-ready images; the output values, copied out. */
async function runSession(ort: Ort, session: OrtSession, signature: ModelSignature, data: Float32Array, count: number): Promise<Float32Array> {
  const dims = signature.inputLayout === 'flat' ? [count, PIXELS] : [count, 1, 28, 28];
  const tensor = new ort.Tensor('float32', data, dims);
  try {
    const results = await session.run({ [signature.inputName]: tensor }, [signature.outputName]);
    const output = results[signature.outputName];
    const values = new Float32Array(output.data as Float32Array);
    output.dispose();
    return values;
  } finally {
    tensor.dispose();
  }
}

/** Runs a blank batch once and times it; a provider that loads but cannot run fails here, naming itself. */
async function firstRun(ort: Ort, session: OrtSession, signature: ModelSignature, provider: ProviderName, file: string): Promise<number> {
  const count = signature.fixedBatch ?? 1;
  const started = performance.now();
  try {
    await runSession(ort, session, signature, new Float32Array(count * PIXELS), count);
  } catch (error) {
    throw new ModelLoadError(file, `the first run on ${provider} failed: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  performance.mark(`digit-page:first-run:${provider}`);
  return performance.now() - started;
}
