import * as ort from 'onnxruntime-web/webgpu';
import { ASSET_PATHS } from '../asset-paths.js';

/**
 * The one place that configures onnxruntime-web. `onnxruntime-web/webgpu` is the build with
 * both the WebGPU and the wasm execution providers; its runtime files (.mjs glue, .wasm) are
 * served by this site under `ort/` (no CDN). Threads need cross-origin isolation (COOP/COEP).
 */
export function configureOrt(baseUrl: string = document.baseURI): { threads: number; reason: string } {
  ort.env.wasm.wasmPaths = new URL(ASSET_PATHS.ortDir, baseUrl).href;
  ort.env.logLevel = 'error';
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  ort.env.wasm.numThreads = threads;
  const reason = isolated
    ? `${threads} thread${threads === 1 ? '' : 's'} (cross-origin isolated)`
    : '1 thread: the page is not cross-origin isolated (the server sends no COOP/COEP headers)';
  return { threads, reason };
}

export { ort };
