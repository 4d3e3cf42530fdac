import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MNIST_MEAN, MNIST_STD, type Dataset } from '@mnist-onnx/mnist';
import { runCli as runInferCli } from '@mnist-onnx/test-support';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { buildTestModel, centroidLayer, referencePredictions, type DenseLayer, type TestModelSpec } from './onnx-models.js';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');
export const CLI = join(PACKAGE_DIR, 'src', 'cli.ts');

export { SWIFTSHADER_ENV, NO_VULKAN_DRIVER_ENV } from '@mnist-onnx/test-support';

export const raw01 = (byte: number) => byte / 255;
export const normalized = (byte: number) => (byte / 255 - MNIST_MEAN) / MNIST_STD;

export interface Fixture {
  dir: string;
  artifacts: string;
  test: Dataset;
  /** Nearest-centroid layers fitted on the embedded training split. */
  rawLayer: DenseLayer;
  normalizedLayer: DenseLayer;
  /** What those models predict on the test split, computed in JavaScript. */
  rawReference: Uint8Array;
  normalizedReference: Uint8Array;
  /** Writes a model built from `spec` into the fixture folder and returns its path. */
  model(name: string, spec: TestModelSpec): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A temporary artifacts folder (so tests never touch the user's) holding the embedded
 * dataset, plus small real classifiers built from it: no trained model needed.
 */
export async function createFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'infer-node-'));
  const artifacts = join(dir, 'artifacts');
  process.env.MNIST_ONNX_ARTIFACTS = artifacts;
  const { train, test } = await loadDataset('embedded');
  const rawLayer = centroidLayer(train.images, train.labels, raw01);
  const normalizedLayer = centroidLayer(train.images, train.labels, normalized);
  await mkdir(join(dir, 'models'));
  return {
    dir,
    artifacts,
    test,
    rawLayer,
    normalizedLayer,
    rawReference: referencePredictions(rawLayer, test.images, test.count, raw01),
    normalizedReference: referencePredictions(normalizedLayer, test.images, test.count, normalized),
    async model(name, spec) {
      const path = join(dir, 'models', name);
      await writeFile(path, buildTestModel(spec));
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export const countCorrect = (predictions: ArrayLike<number>, labels: ArrayLike<number>) => {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct;
};

export interface CliResult {
  /** Exit status; -1 when a signal ended the child (a timeout, a crash), so that no exit-code expectation can pass. */
  code: number;
  /** The signal that ended the child, or null when it exited by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`pnpm infer`) in a child process. WebGPU variables are dropped unless given. */
export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  const run = await runInferCli('infer', args, { env, timeoutMs });
  return { code: run.code ?? -1, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}
