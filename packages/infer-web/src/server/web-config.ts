import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, type InlineConfig } from 'vite';
import { artifactPaths } from '@mnist-onnx/mnist/node';
import { securityHeaders } from './security-headers.js';
import { webAssetsPlugin } from './web-assets-plugin.js';

/** The folder of this package: the Vite root (index.html lives there). */
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WebConfigOptions {
  /** The model the page loads by default (default: artifacts/model/mnist-mlp.onnx). */
  modelFile?: string;
  /** The embedded data set's folder (default: artifacts/data/embedded). */
  testDataDir?: string;
  /** Where `build` writes the static site (default: packages/infer-web/dist). */
  outDir?: string;
  /** Address to bind (default 127.0.0.1; pass `--host` to the CLI to expose it). */
  host?: string;
  port?: number;
}

/** The Vite configuration of the page, shared by vite.config.ts, the tests and the bench. */
export function webConfig(options: WebConfigOptions = {}): InlineConfig {
  const host = options.host ?? '127.0.0.1';
  return {
    root: WEB_ROOT,
    // Relative URLs everywhere: the built site works from any folder of any static host.
    base: './',
    configFile: false,
    clearScreen: false,
    resolve: {
      // `onnxruntime-web/webgpu` then resolves to the build that loads its .mjs/.wasm from
      // `env.wasm.wasmPaths` (served by webAssetsPlugin) instead of inlining the glue code.
      conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
    },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    plugins: [
      webAssetsPlugin({
        modelFile: options.modelFile ?? artifactPaths.onnxModel(),
        testDataDir: options.testDataDir ?? artifactPaths.embeddedData(),
      }),
    ],
    server: { host, port: options.port ?? 5173, headers: securityHeaders({ dev: true }) },
    preview: { host, port: options.port ?? 4173, headers: securityHeaders({ dev: false }) },
    build: {
      outDir: options.outDir ?? join(WEB_ROOT, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      // The runtime's .wasm files (14 and 27 MB) are copied as they are; do not warn about their size.
      chunkSizeWarningLimit: 1024,
    },
  };
}
