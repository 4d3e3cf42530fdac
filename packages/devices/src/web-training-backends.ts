import { adapterDetection, classifyAdapter } from './adapter-rule.js';
import { available, PRIORITY, unavailable, type DeviceEntry } from './device.js';
import type { BrowserAdapter } from './web-providers.js';

/** tfjs backends the page trains on. */
export type WebTrainingBackendName = 'webgpu' | 'webgl' | 'wasm';

/** What the browser answered when asked for a WebGL2 context: its renderer, or why not. */
export type BrowserWebGl = { found: true; renderer: string } | { found: false; reason: string };

export interface WebTrainingContext {
  /** Asks the browser for its WebGPU adapter (the same probe the page's inference uses). */
  probeWebGpu(): Promise<BrowserAdapter>;
  /** Asks the browser for a WebGL2 context and its unmasked renderer. */
  probeWebGl(): Promise<BrowserWebGl> | BrowserWebGl;
  /** Threads tfjs-wasm runs with (default 1): more only where the page is cross-origin isolated. */
  wasmThreads?: number;
}

/**
 * The page's training backends, on the one priority scale. `auto` takes WebGPU only on a
 * hardware adapter (the one software-adapter rule, adapter-rule.ts), then wasm, which always
 * answers. WebGL runs only when named: tfjs-webgl keeps every tensor in textures and pays a
 * read-back per batch, and its float precision depends on the GPU (16-bit on some), so it is
 * never the automatic choice; on a software renderer (SwiftShader) it gets the same warning
 * as a software WebGPU adapter.
 */
export function webTrainingBackends(context: WebTrainingContext): readonly DeviceEntry<WebTrainingBackendName>[] {
  return [
    {
      name: 'webgpu', priority: PRIORITY.webgpu, gpu: true, description: 'tfjs WebGPU backend (the browser\'s GPU)',
      async detect(mode) {
        const adapter = await context.probeWebGpu();
        if (!adapter.found) return unavailable(adapter.reason, 'use a browser with WebGPU on a GPU (Chrome/Edge 113+, Safari 26+), or pick wasm');
        return adapterDetection(classifyAdapter(adapter.identity), mode, 'wasm');
      },
    },
    {
      name: 'webgl', priority: PRIORITY.webgl, gpu: true, description: 'tfjs WebGL backend (the GPU through WebGL2 textures)',
      async detect(mode) {
        if (mode === 'auto') return unavailable('WebGL is used only when picked: Auto prefers WebGPU on a hardware adapter, else wasm');
        const gl = await context.probeWebGl();
        if (!gl.found) return unavailable(gl.reason, 'pick wasm');
        return adapterDetection(classifyAdapter({ description: gl.renderer }), mode, 'wasm');
      },
    },
    {
      name: 'wasm', priority: PRIORITY.wasm, gpu: false, description: 'tfjs WebAssembly backend (XNNPACK, SIMD)',
      detect: () => {
        const threads = context.wasmThreads ?? 1;
        return available({ threads, notes: [`WebAssembly, SIMD, ${threads} thread${threads > 1 ? 's' : ''}`] });
      },
    },
  ];
}
