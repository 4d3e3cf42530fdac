import { IDX_FILES } from '@mnist-onnx/mnist';

/**
 * What the Train panel fetches, relative to the page, beside ASSET_PATHS (asset-paths.ts): the
 * embedded training split as its two standard IDX files, and the tfjs wasm backend's binaries.
 * The server serves and the static build copies exactly these (src/server/web-assets.ts).
 */
export const TRAIN_ASSET_PATHS = {
  trainImages: `data/${IDX_FILES.trainImages}`,
  trainLabels: `data/${IDX_FILES.trainLabels}`,
  tfjsWasmDir: 'tfjs/',
} as const;

/**
 * The tfjs wasm backend's binaries, as `setWasmPaths` names them: the plain build, SIMD, and
 * SIMD with threads (taken where the page is cross-origin isolated: see wasmTrainingThreads).
 */
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
