import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInstalled } from '@mnist-onnx/test-support';
import { runTrainCli, SWIFTSHADER_ENV, tempDir, useTempArtifacts } from './helpers.js';

// WebGPU in Node on Dawn, with SwiftShader (from Debian's chromium) as the Vulkan driver: a
// real GPU code path on a machine without a GPU. Run as child processes so that a crash in
// native code cannot take the test runner down.

// auto tries tfjs-node-gpu before webgpu and tfjs-node after it: what follows the skipped
// software adapter depends on which of them this machine has.
const TFJS_NODE_GPU = isInstalled('@tensorflow/tfjs-node-gpu', import.meta.url);
const TFJS_NODE = isInstalled('@tensorflow/tfjs-node', import.meta.url);

let artifacts: string;
beforeAll(() => {
  artifacts = useTempArtifacts();
});

const SHORT_RUN = ['--json', '--epochs', '1', '--max-batches', '2', '--train-limit', '200', '--test-limit', '100', '--log-interval', '1'];

async function epochStats(backend: string) {
  const run = await runTrainCli([...SHORT_RUN, '--backend', backend, '--out', join(tempDir(), 'tfjs')], {
    env: { ...SWIFTSHADER_ENV, MNIST_ONNX_ARTIFACTS: artifacts },
  });
  expect(run.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([]);
  expect(run.code).toBe(0);
  const batchLosses = [...run.stderr.matchAll(/Loss: (\d+\.\d+)/g)].map((m) => Number(m[1]));
  return { stats: JSON.parse(run.stdout.trim()), stderr: run.stderr, batchLosses };
}

describe('webgpu backend on SwiftShader', () => {
  it('trains a few steps with the same losses as the cpu backend (within 1e-4)', async () => {
    const gpu = await epochStats('webgpu');
    const cpu = await epochStats('cpu');
    expect(gpu.stderr).toMatch(/^backend: webgpu \(WebGPU on a software adapter \(.*swiftshader.*\): expect it to be slower than wasm\)$/im);
    expect(gpu.batchLosses).toHaveLength(2);
    gpu.batchLosses.forEach((loss, i) => expect(Math.abs(loss - cpu.batchLosses[i])).toBeLessThan(1e-4));
    expect(Math.abs(gpu.stats.trainLoss - cpu.stats.trainLoss)).toBeLessThan(1e-4);
    expect(Math.abs(gpu.stats.testLoss - cpu.stats.testLoss)).toBeLessThan(1e-4);
    expect(gpu.stats.testCorrect).toBe(cpu.stats.testCorrect);
  }, 180_000);

  // With tfjs-node-gpu on a CUDA machine auto stops at tensorflow-gpu and never tries webgpu.
  it.runIf(!TFJS_NODE_GPU)(`auto skips a software adapter (slower than wasm), says so, and takes ${TFJS_NODE ? 'tensorflow' : 'wasm'}`, async () => {
    const run = await runTrainCli(['--epochs', '1', '--max-batches', '1', '--train-limit', '100', '--test-limit', '100', '--out', join(tempDir(), 'tfjs')], {
      env: { ...SWIFTSHADER_ENV, MNIST_ONNX_ARTIFACTS: artifacts },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^skipped webgpu: only a software adapter \(.*swiftshader.*\); wasm is faster$/im);
    expect(run.stdout).toMatch(TFJS_NODE ? /^backend: tensorflow \(/m : /^backend: wasm \(/m);
  }, 60_000);
});
