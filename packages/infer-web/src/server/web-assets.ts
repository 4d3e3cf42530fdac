import { createRequire } from 'node:module';
import { join } from 'node:path';
import { IDX_FILES } from '@mnist-onnx/mnist';
import { ASSET_PATHS } from '../app/asset-paths.js';
import { TFJS_WASM_FILES, TRAIN_ASSET_PATHS } from '../app/train/train-assets.js';

/**
 * The onnxruntime-web runtime files the page loads at run time, each an Emscripten glue script
 * (also the script of its pthread workers) and its WebAssembly binary: the plain build that
 * `onnxruntime-web/wasm` loads (14 MB, wasm EP only), and the asyncify build that
 * `onnxruntime-web/webgpu` loads (27 MB, WebGPU and wasm EPs), fetched only when WebGPU runs.
 */
export const ORT_RUNTIME_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
] as const;

export interface ServedAsset {
  /** URL path relative to the site's base, e.g. `ort/ort-wasm-simd-threaded.asyncify.wasm`. */
  url: string;
  file: string;
  contentType: string;
  /** What the user should do when the file is missing. */
  missingHint: string;
}

export interface WebAssetsOptions {
  /** The ONNX model served as `mnist-mlp.onnx`. */
  modelFile: string;
  /** Folder holding the embedded test set's IDX files (`t10k-images-idx3-ubyte`, …). */
  testDataDir: string;
}

export function ortRuntimeFile(name: string): string {
  return createRequire(import.meta.url).resolve(`onnxruntime-web/${name}`);
}

export function servedAssets(options: WebAssetsOptions): ServedAsset[] {
  const dataHint = 'run pnpm data to materialise the embedded data set';
  return [
    { url: ASSET_PATHS.model, file: options.modelFile, contentType: 'application/octet-stream', missingHint: 'run pnpm train && pnpm export, or open an .onnx file on the page' },
    { url: ASSET_PATHS.testImages, file: join(options.testDataDir, IDX_FILES.testImages), contentType: 'application/octet-stream', missingHint: dataHint },
    { url: ASSET_PATHS.testLabels, file: join(options.testDataDir, IDX_FILES.testLabels), contentType: 'application/octet-stream', missingHint: dataHint },
    // The Train panel's: the training split beside the test set, and tfjs-wasm's binaries.
    { url: TRAIN_ASSET_PATHS.trainImages, file: join(options.testDataDir, IDX_FILES.trainImages), contentType: 'application/octet-stream', missingHint: dataHint },
    { url: TRAIN_ASSET_PATHS.trainLabels, file: join(options.testDataDir, IDX_FILES.trainLabels), contentType: 'application/octet-stream', missingHint: dataHint },
    ...TFJS_WASM_FILES.map((name) => ({
      url: `${TRAIN_ASSET_PATHS.tfjsWasmDir}${name}`,
      file: createRequire(import.meta.url).resolve(`@tensorflow/tfjs-backend-wasm/dist/${name}`),
      contentType: 'application/wasm',
      missingHint: 'run pnpm install',
    })),
    ...ORT_RUNTIME_FILES.map((name) => ({
      url: `${ASSET_PATHS.ortDir}${name}`,
      file: ortRuntimeFile(name),
      contentType: name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript',
      missingHint: 'run pnpm install',
    })),
  ];
}
