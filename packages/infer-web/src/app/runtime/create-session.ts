import { loadOrt, type Ort, type OrtSession } from './ort.js';
import { probeWebGpu } from './webgpu-probe.js';

export type ProviderName = 'webgpu' | 'wasm';
/** `auto` tries webgpu (on a hardware adapter only), then wasm. */
export type ProviderChoice = 'auto' | ProviderName;

export const PROVIDER_ORDER: readonly ProviderName[] = ['webgpu', 'wasm'];

export interface SkippedProvider {
  provider: ProviderName;
  reason: string;
}

export interface SessionChoice {
  /** The onnxruntime-web build the session belongs to (its Tensor class goes with it). */
  ort: Ort;
  session: OrtSession;
  provider: ProviderName;
  /** Providers tried before this one (or not tried), and why each was skipped. */
  skipped: SkippedProvider[];
  /** e.g. the WebGPU adapter's name, or the wasm thread count. */
  detail: string;
  createMs: number;
}

type ProviderCheck = { usable: true; detail: string } | { usable: false; reason: string };

/**
 * Whether `provider` should be tried. WebGPU needs an adapter; in `auto` a software one
 * (SwiftShader, llvmpipe, WARP, any fallback adapter) is skipped, because wasm is far faster
 * there — the rule `pnpm infer --ep auto` follows in Node. Picked by name, it is used, with a note.
 */
async function checkProvider(provider: ProviderName, explicit: boolean, threads: number): Promise<ProviderCheck> {
  if (provider === 'wasm') return { usable: true, detail: `${threads} thread${threads === 1 ? '' : 's'}` };
  const probe = await probeWebGpu();
  if (!probe.available) return { usable: false, reason: probe.reason };
  if (!probe.software) return { usable: true, detail: probe.adapter };
  return explicit
    ? { usable: true, detail: `${probe.adapter} (a software adapter: expect it to be slower than wasm)` }
    : { usable: false, reason: `only a software adapter (${probe.adapter}); wasm is faster` };
}

/**
 * Creates a session on the first provider that works, in the order webgpu → wasm (or only the
 * chosen one). Every skipped provider keeps its reason; when none works the error lists them
 * all, like onnxruntime's own "no available backend found". Each provider runs on the smallest
 * onnxruntime-web build that has it (see ort.ts).
 */
export async function createSession(model: Uint8Array, choice: ProviderChoice, threads: number): Promise<SessionChoice> {
  const order = choice === 'auto' ? PROVIDER_ORDER : [choice];
  const skipped: SkippedProvider[] = PROVIDER_ORDER.filter((p) => !order.includes(p)).map((provider) => ({ provider, reason: `not chosen (the page is set to ${choice})` }));
  for (const provider of order) {
    const check = await checkProvider(provider, choice !== 'auto', threads);
    if (!check.usable) {
      skipped.push({ provider, reason: check.reason });
      continue;
    }
    const started = performance.now();
    try {
      const ort = await loadOrt(provider, threads);
      performance.mark(`digit-page:ort-imported:${provider}`);
      // ONNX Runtime may take ownership of the buffer it gets: hand it a copy.
      const session = await ort.InferenceSession.create(model.slice(), { executionProviders: [provider], graphOptimizationLevel: 'all' });
      performance.mark(`digit-page:session-created:${provider}`);
      return { ort, session, provider, skipped, detail: check.detail, createMs: performance.now() - started };
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
