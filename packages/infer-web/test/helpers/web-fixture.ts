import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { startWebServer, type WebServer } from '../../src/index.js';
import { writeFixtureModels, type FixtureModels } from './fixture-models.js';

export interface WebFixture {
  dir: string;
  test: Dataset;
  models: FixtureModels;
  server: WebServer;
  close(): Promise<void>;
}

/**
 * Everything a browser test needs, in a temp folder so a user's artifacts/ stay untouched:
 * the embedded data set, freshly trained fixture models, and the static build of the page
 * (with the fixture as its default model) served by Vite's preview server on a free port.
 */
export async function startWebFixture(mode: 'dev' | 'preview' = 'preview'): Promise<WebFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'infer-web-test-'));
  process.env.MNIST_ONNX_ARTIFACTS = dir;
  const dataset = await loadDataset('embedded');
  const models = await writeFixtureModels(join(dir, 'models'));
  const server = await startWebServer({ mode, modelFile: models.flat, testDataDir: dataset.dir, outDir: join(dir, 'dist'), port: 0, logLevel: 'error' });
  return {
    dir,
    test: dataset.test,
    models,
    server,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `count` test digits, the first `count / 10` of each class, as indices into the test set. */
export function digitsPerClass(test: Dataset, perClass: number): number[] {
  const picked: number[] = [];
  const taken = new Array<number>(10).fill(0);
  for (let i = 0; i < test.count; i++) {
    const label = test.labels[i];
    if (taken[label] < perClass) {
      taken[label]++;
      picked.push(i);
    }
  }
  return picked;
}
