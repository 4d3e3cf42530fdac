import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, type InlineConfig } from 'vite';
import { artifactPaths } from '@mnist-onnx/mnist/node';
import { securityHeaders } from './security-headers.js';
import { webAssetsPlugin } from './web-assets-plugin.js';

/** The folder of this package: the Vite root (index.html lives there). */
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPO_ROOT = join(WEB_ROOT, '..', '..');

/**
 * The only folders the dev server's `/@fs/` may read: the page itself, the sources of the
 * workspace packages it imports (their browser-safe parts: see DEV_SERVER_FS_DENY), and the
 * dependencies. Not the rest of the workspace: artifacts/ holds checkpoints and reports. (The
 * model and the data sets are served by webAssetsPlugin, file by file.)
 */
export const DEV_SERVER_FS_ALLOW = [
  WEB_ROOT,
  ...['mnist', 'devices', 'train', 'export'].map((pkg) => join(REPO_ROOT, 'packages', pkg, 'src')),
  join(REPO_ROOT, 'node_modules'),
];

/**
 * The Node-only code inside those packages, never the page's to read: their `node/` folders,
 * CLIs, and the modules behind `@mnist-onnx/train` and `@mnist-onnx/export` that touch files
 * (the page imports their `/browser` entries only).
 */
export const DEV_SERVER_FS_DENY = [
  '.env', '.env.*', '*.{crt,pem}',
  '**/packages/*/src/node/**',
  '**/packages/*/src/cli.ts',
  '**/packages/train/src/{train,checkpoint,model-io,options,reporter,train-outputs,versions}.ts',
  '**/packages/train/src/{backends,workers}/**',
  '**/packages/export/src/{convert,export-model,read-tfjs-model,training-record,verify,tfjs-reference}.ts',
];

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
    optimizeDeps: {
      exclude: ['onnxruntime-web'],
      // The Train panel's dependencies load only when it opens; pre-bundle them at start so that
      // opening it does not make Vite discover them, re-optimise and reload the page.
      include: [
        '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu',
        'echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers', 'onnx-proto',
      ],
    },
    plugins: [
      webAssetsPlugin({
        modelFile: options.modelFile ?? artifactPaths.onnxModel(),
        testDataDir: options.testDataDir ?? artifactPaths.embeddedData(),
      }),
    ],
    server: {
      host,
      port: options.port ?? 5173,
      headers: securityHeaders({ dev: true }),
      fs: { strict: true, allow: DEV_SERVER_FS_ALLOW, deny: DEV_SERVER_FS_DENY },
    },
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
