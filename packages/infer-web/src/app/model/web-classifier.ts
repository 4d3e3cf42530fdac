import { createSession, type ProviderChoice, type ProviderName, type SkippedProvider } from '../runtime/create-session.js';
import { ort } from '../runtime/ort.js';
import { ModelLoadError } from './model-errors.js';
import {
  inputConventionOf, looksLikeProbabilities, NUM_CLASSES, PIXELS, readClassifierSignature, softmax,
  type InputConvention, type ModelSignature, type OutputKind,
} from '@mnist-onnx/mnist';
import { readOnnxModelInfo, type OnnxModelInfo } from './onnx-model-info.js';

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
}

/** An ONNX MNIST classifier in the page: 28×28 pixels in [0,1] in, probabilities out. */
export class WebClassifier {
  readonly info: ClassifierInfo;
  readonly #session: ort.InferenceSession;
  readonly #bytes: Uint8Array;
  #outputKind: OutputKind | undefined;
  /** Runs go one after another: a session runs one request at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(session: ort.InferenceSession, bytes: Uint8Array, info: ClassifierInfo) {
    this.#session = session;
    this.#bytes = bytes;
    this.info = info;
    this.#outputKind = info.signature.outputKind;
  }

  /**
   * Checks that `bytes` are an ONNX model, creates a session on the chosen providers and reads
   * the model's signature. Throws ModelLoadError / ModelSignatureError naming `file`.
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
      return new WebClassifier(created.session, bytes, {
        file,
        bytes: bytes.length,
        model,
        signature,
        input: inputConventionOf(model.metadata),
        provider: created.provider,
        providerDetail: created.detail,
        skipped: created.skipped,
        sessionCreateMs: created.createMs,
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
    const { signature, input } = this.info;
    // A new input tensor for every run, over a buffer of its own: onnxruntime-web may hold
    // on to (or transfer) the data of a tensor it was given.
    const data = new Float32Array(count * PIXELS);
    if (input.normalized) for (let i = 0; i < data.length; i++) data[i] = (pixels01[i] - input.mean) / input.std;
    else data.set(pixels01.subarray(0, data.length));
    const dims = signature.inputLayout === 'flat' ? [count, PIXELS] : [count, 1, 28, 28];
    const tensor = new ort.Tensor('float32', data, dims);
    const results = await this.#session.run({ [signature.inputName]: tensor }, [signature.outputName]);
    const output = results[signature.outputName];
    const values = new Float32Array(output.data as Float32Array);
    output.dispose();
    tensor.dispose();
    this.#outputKind ??= looksLikeProbabilities(values) ? 'probabilities' : 'logits';
    return this.#outputKind === 'probabilities' ? values : softmax(values, NUM_CLASSES);
  }

  async dispose(): Promise<void> {
    await this.#queue;
    await this.#session.release();
  }
}
