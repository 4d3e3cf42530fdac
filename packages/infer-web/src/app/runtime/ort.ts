import type * as OrtApi from 'onnxruntime-web';
import { ASSET_PATHS } from '../asset-paths.js';

/** One onnxruntime-web build as the page uses it (both builds share onnxruntime-common's API). */
export type Ort = typeof OrtApi;
export type OrtSession = OrtApi.InferenceSession;

/**
 * Which onnxruntime-web build runs a provider. `wasm`: `onnxruntime-web/wasm`, whose runtime is
 * ort-wasm-simd-threaded.wasm (14 MB). `webgpu`: `onnxruntime-web/webgpu`, whose asyncify
 * runtime (27 MB) also holds the WebGPU EP. Each is imported only when first needed, so a page
 * that runs on wasm never downloads or compiles the WebGPU build — that halves the bytes the
 * browser fetches and compiles before it is ready.
 */
export type OrtBuild = 'wasm' | 'webgpu';

export interface ThreadPlan {
  threads: number;
  /** For the page: how many threads and why. */
  reason: string;
}

/**
 * Threads for the wasm EP. Two or more need cross-origin isolation (COOP/COEP); each one past the
 * first is a pthread worker. The page's live prediction is a batch of one 784-200-200-10 MLP,
 * about 0.4 MFLOP, where a second thread only adds hand-off cost: `pnpm --filter
 * @mnist-onnx/infer-web bench` measured a live prediction 0.57–0.74× as long on one thread as on
 * two, the same time to ready (0.9–1.1×), and the test set (batches of 250) 0.6–0.9× as fast.
 * Drawing is what the page is for, so it runs one thread unless `?threads=` asks for more.
 */
export function planThreads(requested = 1): ThreadPlan {
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = isolated ? Math.max(1, Math.min(requested, navigator.hardwareConcurrency || 1)) : 1;
  const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  let reason: string;
  if (!isolated) reason = `${plural(threads)}: the page is not cross-origin isolated (the server sends no COOP/COEP headers)`;
  else if (threads === 1) reason = '1 thread: the fastest for one drawing at a time (the page is cross-origin isolated, so ?threads=2 gives two)';
  else reason = `${plural(threads)} (cross-origin isolated; chosen with ?threads=)`;
  return { threads, reason };
}

const builds = new Map<OrtBuild, Promise<Ort>>();

/**
 * The build, imported and configured once: runtime files from this site's `ort/` folder (no CDN),
 * no proxy worker (inference on the page's thread: a batch of one costs less than a message hop).
 */
export function loadOrt(build: OrtBuild, threads: number, baseUrl: string = document.baseURI): Promise<Ort> {
  let loading = builds.get(build);
  if (!loading) {
    const imported = build === 'wasm' ? import('onnxruntime-web/wasm') : import('onnxruntime-web/webgpu');
    loading = imported.then((ort) => {
      ort.env.wasm.wasmPaths = new URL(ASSET_PATHS.ortDir, baseUrl).href;
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      return ort;
    });
    // A failed import (a network error) may be retried by the next load.
    loading.catch(() => builds.delete(build));
    builds.set(build, loading);
  }
  return loading;
}
