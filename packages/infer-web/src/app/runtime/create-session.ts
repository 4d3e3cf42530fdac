import { ort } from './ort.js';
import { probeWebGpu } from './webgpu-probe.js';

export type ProviderName = 'webgpu' | 'wasm';
/** `auto` tries webgpu, then wasm. */
export type ProviderChoice = 'auto' | ProviderName;

export const PROVIDER_ORDER: readonly ProviderName[] = ['webgpu', 'wasm'];

export interface SkippedProvider {
  provider: ProviderName;
  reason: string;
}

export interface SessionChoice {
  session: ort.InferenceSession;
  provider: ProviderName;
  /** Providers tried before this one (or not tried), and why each was skipped. */
  skipped: SkippedProvider[];
  /** e.g. the WebGPU adapter's name. */
  detail: string;
  createMs: number;
}

/**
 * Creates a session on the first provider that works, in the order webgpu → wasm (or only the
 * chosen one). Every skipped provider keeps its reason; when none works the error lists them
 * all, like onnxruntime's own "no available backend found".
 */
export async function createSession(model: Uint8Array, choice: ProviderChoice, threads: number): Promise<SessionChoice> {
  const order = choice === 'auto' ? PROVIDER_ORDER : [choice];
  const skipped: SkippedProvider[] = PROVIDER_ORDER.filter((p) => !order.includes(p)).map((provider) => ({ provider, reason: `not chosen (the page is set to ${choice})` }));
  for (const provider of order) {
    let detail = `${threads} thread${threads === 1 ? '' : 's'}`;
    if (provider === 'webgpu') {
      const probe = await probeWebGpu();
      if (!probe.available) {
        skipped.push({ provider, reason: probe.reason });
        continue;
      }
      detail = probe.adapter;
    }
    const started = performance.now();
    try {
      // ONNX Runtime may take ownership of the buffer it gets: hand it a copy.
      const session = await ort.InferenceSession.create(model.slice(), { executionProviders: [provider], graphOptimizationLevel: 'all' });
      return { session, provider, skipped, detail, createMs: performance.now() - started };
    } catch (error) {
      skipped.push({ provider, reason: firstLine(error) });
    }
  }
  const reasons = skipped.map((s) => `[${s.provider}] ${s.reason}`).join(', ');
  throw new Error(`no execution provider could load the model: ${reasons}`);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
