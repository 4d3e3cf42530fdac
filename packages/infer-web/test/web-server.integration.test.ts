import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { startWebServer, type WebServer } from '../src/index.js';

// The dev server `pnpm web` runs, and the static build, without a browser.
let dir: string;
let testDataDir: string;
let server: WebServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infer-web-server-'));
  process.env.MNIST_ONNX_ARTIFACTS = dir;
  testDataDir = (await loadDataset('embedded')).dir;
  // No model at this path: the server must say what to do about it.
  server = await startWebServer({ mode: 'dev', modelFile: join(dir, 'missing.onnx'), testDataDir, port: 0, logLevel: 'silent' });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the dev server', () => {
  it('binds 127.0.0.1 and sends COOP, COEP and a CSP without unsafe-inline or unsafe-eval', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' blob:;");
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  });

  it('serves onnxruntime-web’s runtime and the test set from its own origin', async () => {
    const wasm = await fetch(new URL('ort/ort-wasm-simd-threaded.asyncify.wasm', server.url));
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const glue = await fetch(new URL('ort/ort-wasm-simd-threaded.asyncify.mjs', server.url));
    expect(glue.headers.get('content-type')).toBe('text/javascript');
    // The .mjs is also the pthread workers' script: without COEP on it, Chromium blocks the worker.
    expect(glue.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const labels = await fetch(new URL('data/t10k-labels-idx1-ubyte', server.url));
    expect(new Uint8Array(await labels.arrayBuffer()).length).toBe(8 + 1996);
  });

  it('answers 404 for a missing model with the command that makes one', async () => {
    const response = await fetch(new URL('mnist-mlp.onnx', server.url));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(`${join(dir, 'missing.onnx')} not found: run pnpm train && pnpm export, or open an .onnx file on the page\n`);
  });
});

describe('the static build', () => {
  it('holds the page, its CSP, the runtime files, the model (byte for byte) and the test set, with relative URLs', async () => {
    const outDir = join(dir, 'dist');
    const model = join(dir, 'model.onnx');
    // 4 KiB of distinct bytes, so that equality below means this file and nothing else.
    const modelBytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + (i >> 8)) % 256);
    await writeFile(model, modelBytes);
    const preview = await startWebServer({ mode: 'preview', modelFile: model, testDataDir, outDir, port: 0, logLevel: 'silent' });
    try {
      const served = await fetch(new URL('mnist-mlp.onnx', preview.url));
      expect(served.status).toBe(200);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(modelBytes);
    } finally {
      await preview.close();
    }
    expect(new Uint8Array(await readFile(join(outDir, 'mnist-mlp.onnx')))).toEqual(modelBytes);
    const html = (await readFile(join(outDir, 'index.html'), 'utf8')).replaceAll('&#39;', "'");
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:;[^"]*">/);
    expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js"><\/script>/);
    for (const file of ['mnist-mlp.onnx', 'ort/ort-wasm-simd-threaded.asyncify.wasm', 'ort/ort-wasm-simd-threaded.asyncify.mjs', 'data/t10k-images-idx3-ubyte', 'data/t10k-labels-idx1-ubyte', 'favicon.svg']) {
      expect(existsSync(join(outDir, file)), file).toBe(true);
    }
  });
});
