import { adapterDetection, classifyAdapter, type AdapterIdentity } from './adapter-rule.js';
import { available, PRIORITY, unavailable, type DeviceEntry } from './device.js';

/** onnxruntime-web's execution providers the page offers. */
export type WebProviderName = 'webgpu' | 'wasm';

/** What the browser answered when asked for a WebGPU adapter. */
export type BrowserAdapter = { found: true; identity: AdapterIdentity } | { found: false; reason: string };

export interface WebProviderContext {
  /** Asks the browser for its adapter (once per page: the answer does not change while it is open). */
  probeWebGpu(): Promise<BrowserAdapter>;
  /** wasm threads the page will run with. */
  wasmThreads: number;
}

/**
 * The page's registry: WebGPU on a hardware adapter first, then wasm, which always answers.
 * The software-adapter rule is the one Node follows (adapter-rule.ts).
 */
export function webExecutionProviders(context: WebProviderContext): readonly DeviceEntry<WebProviderName>[] {
  return [
    {
      name: 'webgpu', priority: PRIORITY.webgpu, gpu: true, description: 'onnxruntime-web WebGPU EP (the browser\'s GPU)',
      async detect(mode) {
        const adapter = await context.probeWebGpu();
        if (!adapter.found) return unavailable(adapter.reason, 'use a browser with WebGPU on a GPU (Chrome/Edge 113+, Safari 26+)');
        return adapterDetection(classifyAdapter(adapter.identity), mode, 'wasm');
      },
    },
    {
      name: 'wasm', priority: PRIORITY.wasm, gpu: false, description: 'onnxruntime-web wasm EP (WebAssembly, SIMD, threads when cross-origin isolated)',
      detect: () => available({ threads: context.wasmThreads, notes: [`${context.wasmThreads} thread${context.wasmThreads === 1 ? '' : 's'}`] }),
    },
  ];
}
