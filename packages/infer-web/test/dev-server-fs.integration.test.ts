import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { startWebServer, type WebServer } from '../src/index.js';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
let dir: string;
let server: WebServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infer-web-fs-'));
  process.env.MNIST_ONNX_ARTIFACTS = dir;
  const testDataDir = (await loadDataset('embedded')).dir;
  await mkdir(join(dir, 'model', 'tfjs-checkpoints'), { recursive: true });
  await writeFile(join(dir, 'model', 'tfjs-checkpoints', 'checkpoint.json'), '{"secret":true}');
  server = await startWebServer({ mode: 'dev', modelFile: join(dir, 'missing.onnx'), testDataDir, port: 0, logLevel: 'silent' });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(new URL(`/@fs${path}`, server.url));

describe("the dev server's /@fs/", () => {
  it('serves what the page imports: its own code, the browser-safe package sources, dependencies', async () => {
    expect((await get(join(REPO, 'packages', 'infer-web', 'index.html'))).status).toBe(200);
    expect((await get(join(REPO, 'packages', 'mnist', 'src', 'index.ts'))).status).toBe(200);
    expect((await get(join(REPO, 'packages', 'devices', 'src', 'index.ts'))).status).toBe(200);
    expect((await get(join(REPO, 'packages', 'train', 'src', 'browser.ts'))).status).toBe(200);
    expect((await get(join(REPO, 'packages', 'export', 'src', 'build-onnx.ts'))).status).toBe(200);
  });

  it('refuses the rest of the workspace: artifacts, checkpoints, Node-only code, other packages, files elsewhere', async () => {
    for (const path of [
      join(dir, 'model', 'tfjs-checkpoints', 'checkpoint.json'),
      join(REPO, 'package.json'),
      join(REPO, 'packages', 'train', 'src', 'train.ts'),
      join(REPO, 'packages', 'train', 'src', 'checkpoint.ts'),
      join(REPO, 'packages', 'export', 'src', 'export-model.ts'),
      join(REPO, 'packages', 'devices', 'src', 'node', 'cli.ts'),
      join(REPO, 'packages', 'infer-node', 'src', 'cli.ts'),
      join(REPO, 'packages', 'mnist', 'src', 'node', 'download.ts'),
      '/etc/passwd',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(403);
      expect(await response.text()).not.toContain('secret');
    }
  });
});
