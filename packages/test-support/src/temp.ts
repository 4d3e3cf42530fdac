import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the system's temp folder. */
export const tempDir = (prefix = 'mnist-onnx-test-') => mkdtempSync(join(tmpdir(), prefix));

/**
 * Points MNIST_ONNX_ARTIFACTS at a temporary folder for this test process (once), so tests
 * never touch a user's artifacts/ and the embedded IDX files are written once per process.
 */
export function useTempArtifacts(): string {
  process.env.MNIST_ONNX_ARTIFACTS ??= tempDir('mnist-onnx-artifacts-');
  return process.env.MNIST_ONNX_ARTIFACTS;
}
