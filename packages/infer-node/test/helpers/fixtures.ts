import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MNIST_MEAN, MNIST_STD, type Dataset } from '@mnist-onnx/mnist';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { buildTestModel, centroidLayer, referencePredictions, type DenseLayer, type TestModelSpec } from './onnx-models.js';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');
export const CLI = join(PACKAGE_DIR, 'src', 'cli.ts');

/** Environment that lets the WebGPU EP find Chromium's SwiftShader Vulkan driver. */
export const SWIFTSHADER_ENV = {
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
  LD_LIBRARY_PATH: '/usr/lib/chromium',
  XDG_RUNTIME_DIR: '/tmp',
};

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
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`pnpm infer`) in a child process. WebGPU variables are dropped unless given. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  const base = { ...process.env };
  for (const key of Object.keys(SWIFTSHADER_ENV)) delete base[key];
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...base, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}
