import type { Dataset } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { inject } from 'vitest';
import { startWebServer, type WebServer } from '../../src/index.js';
import type { FixtureModels } from './fixture-models.js';

export interface WebFixture {
  dir: string;
  test: Dataset;
  models: FixtureModels;
  server: WebServer;
  close(): Promise<void>;
}

/**
 * Everything a browser test needs, in a temp folder so a user's artifacts/ stay untouched: the
 * embedded data set, freshly trained fixture models and the static build of the page (with the
 * fixture as its default model), made once by the browser project's global setup
 * (built-page.ts), served here by Vite's preview server on a free port.
 */
export async function startWebFixture(): Promise<WebFixture> {
  const built = inject('builtPage');
  if (!built) throw new Error('startWebFixture needs the browser project (its global setup builds the page): name the file *.browser.test.ts');
  process.env.MNIST_ONNX_ARTIFACTS = built.dir;
  const dataset = await loadDataset('embedded');
  const server = await startWebServer({ mode: 'preview', prebuilt: true, modelFile: built.models.flat, testDataDir: built.testDataDir, outDir: built.outDir, port: 0, logLevel: 'error' });
  return { dir: built.dir, test: dataset.test, models: built.models, server, close: () => server.close() };
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
