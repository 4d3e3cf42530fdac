import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '@mnist-onnx/mnist/node';
import type { TestProject } from 'vitest/node';
import { buildWebPage } from '../../src/index.js';
import { writeFixtureModels, type FixtureModels } from './fixture-models.js';

/** What the browser project's files share: one artifacts folder, its fixture models, one build of the page. */
export interface BuiltPage {
  /** The artifacts folder (MNIST_ONNX_ARTIFACTS of every browser test file). */
  dir: string;
  models: FixtureModels;
  testDataDir: string;
  outDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    builtPage: BuiltPage;
  }
}

/**
 * The browser project's global setup: trains and exports the fixture models and builds the page
 * once (about 25 s on two cores) instead of once per test file. Each file then serves this build
 * with its own preview server (startWebFixture); files run one at a time and only add files of
 * their own names to the folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'infer-web-test-'));
  // Training and the data set read the artifacts folder from the environment: point it here for
  // the setup only, so that test processes started later inherit nothing of it.
  const before = process.env.MNIST_ONNX_ARTIFACTS;
  process.env.MNIST_ONNX_ARTIFACTS = dir;
  try {
    const dataset = await loadDataset('embedded');
    const models = await writeFixtureModels(join(dir, 'models'));
    const built: BuiltPage = { dir, models, testDataDir: dataset.dir, outDir: join(dir, 'dist') };
    await buildWebPage({ modelFile: models.flat, testDataDir: built.testDataDir, outDir: built.outDir, logLevel: 'error' });
    project.provide('builtPage', built);
  } finally {
    if (before === undefined) delete process.env.MNIST_ONNX_ARTIFACTS;
    else process.env.MNIST_ONNX_ARTIFACTS = before;
  }
  return () => rm(dir, { recursive: true, force: true });
}
