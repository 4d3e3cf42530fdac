import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdxImages, encodeIdxLabels } from '@mnist-onnx/mnist';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasVulkanLoader, isInstalled } from '@mnist-onnx/test-support';
import { NO_VULKAN_DRIVER_ENV, runTrainCli, tempDir, useTempArtifacts } from './helpers.js';

// Optional packages and the Vulkan loader may or may not be on the machine running the suite:
// each expectation below follows what is there.
const TFJS_NODE_GPU = isInstalled('@tensorflow/tfjs-node-gpu', import.meta.url);
const TFJS_NODE = isInstalled('@tensorflow/tfjs-node', import.meta.url);
// With a loader but no driver, the reason carries Dawn's own words, which vary by loader version.
const WEBGPU_REASON = hasVulkanLoader(NO_VULKAN_DRIVER_ENV)
  ? /no WebGPU adapter found \(.+\)/.source
  : /no Vulkan loader \(libvulkan\.so\.1\): install libvulkan1 or add its folder to LD_LIBRARY_PATH/.source;

let artifacts: string;
beforeAll(() => {
  artifacts = useTempArtifacts();
});

/** Runs the CLI into a fresh folder and checks it failed with one `error:` line and wrote nothing. */
async function expectCliError(args: string[], message: string | RegExp, env: NodeJS.ProcessEnv = {}) {
  const dir = tempDir();
  const out = join(dir, 'model', 'tfjs');
  const run = await runTrainCli(['--out', out, ...args], { env: { ...env, MNIST_ONNX_ARTIFACTS: artifacts } });
  expect(run.code).toBe(1);
  const errorLines = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
  expect(errorLines).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  if (typeof message === 'string') expect(errorLines[0]).toBe(`error: ${message}`);
  else expect(errorLines[0]).toMatch(message);
  expect(existsSync(join(dir, 'model'))).toBe(false);
  expect(run.stdout).toBe('');
}

function writeIdxDir(dir: string, corrupt?: 'train-images-idx3-ubyte') {
  mkdirSync(dir, { recursive: true });
  const count = 20;
  const images = encodeIdxImages(new Uint8Array(count * 784).fill(7), count, 28, 28);
  const labels = encodeIdxLabels(Uint8Array.from({ length: count }, (_, i) => i % 10));
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), images);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
  if (corrupt) writeFileSync(join(dir, corrupt), Uint8Array.from([0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1]));
}

describe('pnpm train: bad input → one line on stderr, exit 1, nothing written', () => {
  it('an unknown flag', () => expectCliError(['--epoch', '3'], 'Unknown argument: epoch'));
  it('a value outside the choices', () => expectCliError(['--optimizer', 'rmsprop'], /^error: Invalid values: Argument: optimizer, Given: "rmsprop", Choices: "sgd", "momentum", "adam", "adamw"$/));
  it('a non-positive batch size', () => expectCliError(['--batch-size', '0'], '--batch-size: must be a positive integer, got 0'));
  it('a learning rate that is not a number', () => expectCliError(['--lr', 'fast'], '--lr: must be a positive number, got NaN'));
  it('an unknown preset', () => expectCliError(['--preset', 'turbo'], /^error: Invalid values: Argument: preset, Given: "turbo", Choices: "seed", "default"$/));
  it('a missing data folder', () => expectCliError(['--data', '/nonexistent/mnist'], '--data /nonexistent/mnist: no such data folder (expected embedded, mnist or a folder of IDX files)'));
  it('a data folder without the label files', () => {
    const dir = join(tempDir(), 'data');
    mkdirSync(dir);
    return expectCliError(['--data', dir], `${dir}: missing train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)`);
  });
  it('a corrupt IDX file', () => {
    const dir = join(tempDir(), 'data');
    writeIdxDir(dir, 'train-images-idx3-ubyte');
    return expectCliError(['--data', dir], `${join(dir, 'train-images-idx3-ubyte')}: wrong magic number 0x12340803: not an IDX file`);
  });
  it('a checkpoint folder that holds files we did not write (refused before training)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    return expectCliError(['--checkpoint-dir', dir], `${dir}: exists and holds other files but no checkpoint.json; refusing to replace it (choose a new or empty folder)`)
      .then(() => expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me'));
  });
  it('--resume without a checkpoint', () => expectCliError(['--resume', '--checkpoint-dir', '/nonexistent/ckpt'], '/nonexistent/ckpt/checkpoint.json: no checkpoint to resume from (run without --resume first)'));
  it.runIf(!TFJS_NODE_GPU)('a named backend whose package is not installed (tfjs-node-gpu stays optional)', () =>
    expectCliError(['--backend', 'tensorflow-gpu'], '--backend tensorflow-gpu cannot start: package @tensorflow/tfjs-node-gpu not installed'));
  it('--backend webgpu where no Vulkan driver can be found', () =>
    expectCliError(['--backend', 'webgpu'], new RegExp(`^error: --backend webgpu cannot start: ${WEBGPU_REASON}$`), NO_VULKAN_DRIVER_ENV));
});

describe('pnpm train: output', () => {
  it.runIf(!TFJS_NODE_GPU && !TFJS_NODE)('auto with no GPU and no tfjs-node picks wasm, says why each backend before it was skipped; seed-style lines; a loadable model', async () => {
    const dir = tempDir();
    const run = await runTrainCli(['--out', join(dir, 'tfjs'), '--epochs', '1', '--train-limit', '600', '--test-limit', '300', '--log-interval', '4'], {
      env: { ...NO_VULKAN_DRIVER_ENV, MNIST_ONNX_ARTIFACTS: artifacts },
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'backend: wasm (wasm: SIMD on, 1 thread)',
      'skipped tensorflow-gpu: package @tensorflow/tfjs-node-gpu not installed',
      expect.stringMatching(new RegExp(`^skipped webgpu: ${WEBGPU_REASON}$`)),
      'skipped tensorflow: package @tensorflow/tfjs-node not installed',
    ]);
    // How many worker threads, and why: a 600-sample run is too short to repay their start-up.
    expect(lines).toContain("trains on: main thread (auto: 600 samples to train, under the 200,000 that repay the workers' start-up)");
    expect(lines.filter((l) => l.startsWith('Train Epoch:'))).toEqual([
      expect.stringMatching(/^Train Epoch: 1 \[0\/600 \(0%\)\] {2}Loss: \d+\.\d{6}$/),
      expect.stringMatching(/^Train Epoch: 1 \[200\/600 \(33%\)\] {2}Loss: \d+\.\d{6}$/),
      expect.stringMatching(/^Train Epoch: 1 \[400\/600 \(67%\)\] {2}Loss: \d+\.\d{6}$/),
    ]);
    expect(run.stdout).toMatch(/^Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/300 \(\d+%\)/m);
    // Not a terminal: no progress bar escape codes.
    expect(run.stdout).not.toContain('\u001b[');
    expect(readdirNames(join(dir, 'tfjs'))).toEqual(['model.json', 'training-record.json', 'weights.bin']);
    expect(existsSync(join(dir, 'tfjs-checkpoints', 'checkpoint.json'))).toBe(true);
  });

  it('--json prints one JSON object per epoch on stdout and nothing else', async () => {
    const dir = tempDir();
    const run = await runTrainCli(['--out', join(dir, 'tfjs'), '--json', '--epochs', '2', '--train-limit', '400', '--test-limit', '200', '--backend', 'wasm'], {
      env: { MNIST_ONNX_ARTIFACTS: artifacts },
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const epochs = lines.map((line) => JSON.parse(line));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of epochs) {
      expect(Object.keys(e).sort()).toEqual(['epoch', 'lr', 'samplesPerSecond', 'seconds', 'testAccuracy', 'testCorrect', 'testCount', 'testLoss', 'trainAccuracy', 'trainLoss']);
      expect(e.testCount).toBe(200);
    }
    expect(run.stderr).toMatch(/^backend: wasm/m);
    const record = JSON.parse(readFileSync(join(dir, 'tfjs', 'training-record.json'), 'utf8'));
    expect(record.history).toEqual(epochs);
  });

  it('--help lists the flags', async () => {
    const run = await runTrainCli(['--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--preset', '--epochs', '--batch-size', '--lr', '--optimizer', '--loss', '--activation', '--final-activation', '--init', '--seed', '--data', '--out', '--backend', '--resume', '--json']) {
      expect(run.stdout).toContain(flag);
    }
  });
});

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
