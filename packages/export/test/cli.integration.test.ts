import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@mnist-onnx/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../src/index.js';
import { buildTestModel, saveTfjsModel } from './support/tfjs-models.js';

let root: string;
let modelDir: string;

beforeAll(async () => {
  await useCpuBackend();
  root = await mkdtemp(join(tmpdir(), 'export-cli-'));
  modelDir = join(root, 'tfjs');
  const model = buildTestModel('relu', { hidden: 16 });
  await saveTfjsModel(model, modelDir);
  model.dispose();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs `pnpm export …` the way the root script does: node --import tsx packages/export/src/cli.ts. */
/** `pnpm export ARGS` as a user runs it (the shared test-support spawner), with this test's artifacts folder. */
async function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = await runCli('export', args, { env: { MNIST_ONNX_ARTIFACTS: join(root, 'artifacts'), MNIST_ONNX_DEBUG: '' } });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

const expectOneLineError = (stderr: string, pattern: RegExp) => {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).toMatch(pattern);
};

describe('pnpm export (CLI)', () => {
  it('exports, verifies and writes the file', async () => {
    const out = join(root, 'out', 'mnist.onnx');
    const result = await cli(['--in', modelDir, '--out', out, '--dtype', 'float16']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/built ONNX graph: \d+ nodes .*float16/);
    expect(result.stdout).toMatch(/argmax agreement \d+\/1996/);
    expect(result.stdout).toMatch(/test accuracy: tfjs [\d.]+% .*onnxruntime [\d.]+% .*change [+-]\d+ digits/);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(root, 'out', 'export-report.json'))).toBe(true);
  });

  it('a missing model: one line on stderr, exit 1, nothing written', async () => {
    const out = join(root, 'missing', 'mnist.onnx');
    const result = await cli(['--in', join(root, 'no-such-model'), '--out', out]);
    expect(result.status).toBe(1);
    expectOneLineError(result.stderr, /no-such-model: no such file or folder/);
    expect(existsSync(out)).toBe(false);
  });

  it('a corrupt model.json: one line naming the file, exit 1, nothing written', async () => {
    const bad = join(root, 'bad');
    await saveTfjsModel(buildTestModel('relu', { hidden: 8 }), bad);
    await writeFile(join(bad, 'model.json'), '{"modelTopology": ');
    const out = join(root, 'bad-out', 'mnist.onnx');
    const result = await cli(['--in', bad, '--out', out]);
    expect(result.status).toBe(1);
    expectOneLineError(result.stderr, /bad\/model\.json: not valid JSON/);
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown flag or a bad --dtype is a usage error, not a stack trace', async () => {
    const unknown = await cli(['--in', modelDir, '--frobnicate']);
    expect(unknown.status).toBe(1);
    expectOneLineError(unknown.stderr, /frobnicate/);
    const dtype = await cli(['--dtype', 'float8']);
    expect(dtype.status).toBe(1);
    expectOneLineError(dtype.stderr, /dtype.*float8/i);
  });

  it('--help lists the flags', async () => {
    const result = await cli(['--help']);
    expect(result.status).toBe(0);
    for (const flag of ['--in', '--out', '--report', '--fold-normalization', '--probabilities', '--dtype', '--data']) expect(result.stdout).toContain(flag);
  });
});
