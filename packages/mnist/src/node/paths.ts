import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACT_LAYOUT, type ArtifactPlace } from '../artifacts/file-names.js';

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

/**
 * Well-known places inside the artifacts folder, so every package agrees on them. The names
 * come from ARTIFACT_LAYOUT (artifacts/file-names.ts); the folder is read at each call, so
 * $MNIST_ONNX_ARTIFACTS set after import still counts.
 */
export const artifactPaths = Object.fromEntries(
  (Object.keys(ARTIFACT_LAYOUT) as ArtifactPlace[]).map((place) => [place, () => join(artifactsDir(), ...ARTIFACT_LAYOUT[place])]),
) as Record<ArtifactPlace, () => string>;
