import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSetReport } from '../src/index.js';
import { createFixture, PACKAGE_DIR, runCli, type Fixture } from './helpers/fixtures.js';

// Debian's python, with python3-torch and python3-onnx (a python3 earlier on PATH may lack them).
const PYTHON = '/usr/bin/python3';

interface TorchEvaluation {
  torch: string;
  count: number;
  correct: number;
  meanLoss: number;
  confusionMatrix: number[][];
}

let fixture: Fixture;
let model: string;
let dataDir: string;
let torchResult: TorchEvaluation;

beforeAll(async () => {
  fixture = await createFixture();
  model = join(fixture.dir, 'seed-mlp-pytorch.onnx');
  dataDir = join(fixture.artifacts, 'data', 'embedded');
  const { stdout } = await promisify(execFile)(PYTHON, [join(PACKAGE_DIR, 'test', 'helpers', 'torch_seed_mlp.py'), dataDir, model], { timeout: 120_000 });
  torchResult = JSON.parse(stdout) as TorchEvaluation;
}, 150_000);
afterAll(() => fixture.cleanup());

describe('a classifier exported by PyTorch, not by us', () => {
  it('runs with --normalize 0.1307,0.3081 and gives PyTorch\'s own accuracy', async () => {
    const { code, stdout, stderr } = await runCli(['--model', model, '--data', dataDir, '--normalize', '0.1307,0.3081', '--ep', 'cpu', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as TestSetReport;
    expect(report.model).toMatchObject({ inputName: 'input', inputShape: ['batch', 784], outputName: 'logits', outputKind: 'logits' });
    expect(report.model.producer).toMatch(/^pytorch/);
    expect(report.input).toMatchObject({ normalized: true, mean: 0.1307, std: 0.3081, source: '--normalize' });
    expect(report.count).toBe(torchResult.count);
    // float32 in PyTorch and in ONNX Runtime, different kernels: a near-tie may flip, nothing
    // more. Each flip moves one count between two cells of a row, so two flips at most.
    expect(Math.abs(report.correct - torchResult.correct)).toBeLessThanOrEqual(2);
    const rowSums = (matrix: number[][]) => matrix.map((row) => row.reduce((a, b) => a + b, 0));
    expect(rowSums(report.confusionMatrix)).toEqual(rowSums(torchResult.confusionMatrix));
    const moved = report.confusionMatrix.flat().reduce((sum, n, i) => sum + Math.abs(n - torchResult.confusionMatrix.flat()[i]), 0);
    expect(moved).toBeLessThanOrEqual(4);
    expect(report.meanLoss).toBeCloseTo(torchResult.meanLoss, 4);
  });

  it('without --normalize it is fed raw pixels and says so', async () => {
    const { code, stdout } = await runCli(['--model', model, '--data', dataDir, '--ep', 'cpu', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as TestSetReport;
    expect(report.input.source).toBe("default (no input convention in the model's metadata; pass --normalize MEAN,STD for a model that expects normalised input)");
    expect(report.correct).not.toBe(torchResult.correct);
  });
});
