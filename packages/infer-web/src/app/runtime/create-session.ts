import { startSession, webExecutionProviders, type DeviceEntry, type DeviceFacts, type SkippedDevice, type WebProviderName } from '@mnist-onnx/devices';
import { loadOrt, type Ort, type OrtSession } from './ort.js';
import { probeWebGpu } from './webgpu-probe.js';

export type ProviderName = WebProviderName;
/** `auto` tries webgpu (on a hardware adapter only), then wasm: the device policy's order. */
export type ProviderChoice = 'auto' | ProviderName;

export const PROVIDER_ORDER: readonly ProviderName[] = ['webgpu', 'wasm'];

export type SkippedProvider = SkippedDevice;

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

/** What the page says about the provider it runs on: the adapter (and a warning for a software one), or the threads. */
function describe(provider: ProviderName, facts: DeviceFacts): string {
  if (provider === 'wasm' || !facts.adapter) return facts.notes.join('; ');
  return facts.adapter.kind === 'software' ? `${facts.adapter.description} (a software adapter: expect it to be slower than wasm)` : facts.adapter.description;
}

/**
 * Creates a session through the device policy (@mnist-onnx/devices): its web registry and the
 * one way every onnxruntime session starts (startSession), as Node's execution providers do.
 * In `auto` a software WebGPU adapter is passed over (wasm is far faster there), by the same rule
 * as `pnpm infer --ep auto`; picked by name it is used, with a note. Each provider runs on the
 * smallest onnxruntime-web build that has it (see ort.ts), imported only when it is tried.
 */
export async function createSession(model: Uint8Array, choice: ProviderChoice, threads: number): Promise<SessionChoice> {
  const registry = webExecutionProviders({ probeWebGpu, wasmThreads: threads });
  const notChosen: SkippedProvider[] = choice === 'auto' ? [] : PROVIDER_ORDER.filter((p) => p !== choice).map((name) => ({ name, reason: `not chosen (the page is set to ${choice})` }));
  const started = await startSession(model, {
    registry,
    device: choice,
    flag: 'the provider',
    runtime: async (entry: DeviceEntry<WebProviderName>) => {
      const ort = await loadOrt(entry.name, threads);
      performance.mark(`digit-page:ort-imported:${entry.name}`);
      return ort;
    },
    sessionOptions: { graphOptimizationLevel: 'all' },
    // ONNX Runtime may take ownership of the buffer it gets: each try gets a copy.
    copyModel: true,
  });
  const provider = started.entry.name;
  performance.mark(`digit-page:session-created:${provider}`);
  return { ort: started.runtime, session: started.session, provider, skipped: [...notChosen, ...started.skipped], detail: describe(provider, started.facts), createMs: started.createMs };
}
