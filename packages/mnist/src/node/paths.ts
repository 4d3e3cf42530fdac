import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where generated data and models go: `<repo>/artifacts`, or `$MNIST_ONNX_ARTIFACTS`. */
export function artifactsDir(): string {
  const override = process.env.MNIST_ONNX_ARTIFACTS;
  return override ? resolve(override) : join(repoRoot(), 'artifacts');
}

/** Well-known places inside the artifacts folder, so every package agrees on them. */
export const artifactPaths = {
  embeddedData: () => join(artifactsDir(), 'data', 'embedded'),
  fullMnist: () => join(artifactsDir(), 'data', 'mnist'),
  tfjsModel: () => join(artifactsDir(), 'model', 'tfjs'),
  checkpoints: () => join(artifactsDir(), 'model', 'checkpoints'),
  onnxModel: () => join(artifactsDir(), 'model', 'mnist-mlp.onnx'),
  exportReport: () => join(artifactsDir(), 'model', 'export-report.json'),
  inferReport: () => join(artifactsDir(), 'infer-report.json'),
  htmlReport: () => join(artifactsDir(), 'report.html'),
};
