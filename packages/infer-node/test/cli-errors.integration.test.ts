import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, runCli, type Fixture } from './helpers/fixtures.js';

let fixture: Fixture;
let model: string;
let report: string;

beforeAll(async () => {
  fixture = await createFixture();
  model = await fixture.model('centroid.onnx', { layers: [fixture.rawLayer] });
  report = join(fixture.dir, 'out', 'report.json');
});
afterAll(() => fixture.cleanup());

/** Runs the CLI, expects exit 1 with exactly one `error:` line on stderr and no report written. */
async function failsWith(args: string[], message: string | RegExp): Promise<void> {
  const { code, stdout, stderr } = await runCli([...args, '--report', report]);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  const line = stderr.trimEnd();
  if (typeof message === 'string') expect(line).toBe(`error: ${message}`);
  else expect(line).toMatch(message);
  expect(existsSync(report)).toBe(false);
}

describe('bad inputs give one line and exit 1 (real CLI)', () => {
  it('a file that is not ONNX', async () => {
    const notOnnx = join(fixture.dir, 'notes.onnx');
    await writeFile(notOnnx, 'these are my notes, not a model\n');
    await failsWith(['--model', notOnnx], new RegExp(`^error: ${notOnnx}: not an ONNX model \\(protobuf decoding failed: .+\\)$`));
  });

  it('a model with the wrong input size', async () => {
    const layer = { weight: new Float32Array(100 * 10), bias: new Float32Array(10), inputs: 100, outputs: 10 };
    const wrong = await fixture.model('wrong-size.onnx', { layers: [layer], inputShape: ['N', 100] });
    await failsWith(['--model', wrong], `${wrong}: input "pixels" has shape [N,100]; expected [N,784] or [N,1,28,28] (28×28 MNIST images)`);
  });

  it('a model with the wrong number of classes', async () => {
    const layer = { weight: new Float32Array(784 * 3), bias: new Float32Array(3), inputs: 784, outputs: 3 };
    const three = await fixture.model('three-classes.onnx', { layers: [layer] });
    await failsWith(['--model', three], `${three}: has no float32 output of shape [N,10] (outputs: "logits" float32 [N,3])`);
  });

  it('a missing model file, and the default path when pnpm export has not run', async () => {
    const missing = join(fixture.dir, 'nope.onnx');
    await failsWith(['--model', missing], `${missing}: model file not found (run pnpm export, or pass --model FILE)`);
    await failsWith([], `${join(fixture.artifacts, 'model', 'mnist-mlp.onnx')}: model file not found (run pnpm export, or pass --model FILE)`);
  });

  it('an unreadable image and a missing image', async () => {
    const broken = join(fixture.dir, 'broken.png');
    await writeFile(broken, Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png'));
    await failsWith(['--model', model, '--images', broken], new RegExp(`^error: ${broken}: cannot decode the image \\(.+\\)$`));
    const missing = join(fixture.dir, 'nope.png');
    await failsWith(['--model', model, '--images', missing], `${missing}: no such file or folder`);
    const empty = join(fixture.dir, 'empty-folder');
    await mkdir(empty);
    await failsWith(['--model', model, '--images', empty], `${empty}: folder holds no images (.png .jpg .jpeg .webp .gif .tif .tiff .avif)`);
  });

  it('a missing data folder', async () => {
    const missing = join(fixture.dir, 'no-data');
    await failsWith(['--model', model, '--data', missing], `--data ${missing}: no such data folder (expected embedded, mnist or a folder of IDX files)`);
  });

  it('bad flags', async () => {
    await failsWith(['--model', model, '--batch-size', '0'], '--batch-size must be a positive integer, got 0');
    await failsWith(['--model', model, '--normalize', '0.1307'], '--normalize expects MEAN,STD with a positive STD (e.g. 0.1307,0.3081), got "0.1307"');
    await failsWith(['--model', model, '--ep', 'tpu'], /^error: Invalid values:.*Argument: ep, Given: "tpu", Choices: "auto", "cuda", "webgpu", "cpu"$/);
    await failsWith(['--model', model, '--frobnicate'], 'Unknown argument: frobnicate');
  });
});

describe('reports', () => {
  it('--report writes the same JSON that --json prints', async () => {
    const { code, stdout } = await runCli(['--model', model, '--ep', 'cpu', '--json', '--report', report]);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    const written = JSON.parse(await readFile(report, 'utf8')) as Record<string, unknown>;
    expect(written).toEqual(printed);
    expect(written).toMatchObject({ mode: 'test-set', count: fixture.test.count, executionProvider: { name: 'cpu' } });
  });

  it('prints the confusion matrix as a table and per-class precision/recall', async () => {
    const { code, stdout } = await runCli(['--model', model, '--ep', 'cpu']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^accuracy: +\d+\.\d\d% \(\d[\d,]* \/ 1,996\)$/m);
    expect(stdout).toMatch(/^mean loss: +\d\.\d{4} /m);
    expect(stdout).toMatch(/^mean entropy: +\d\.\d{3} bits/m);
    expect(stdout).toMatch(/^throughput: +[\d,]+ images\/s/m);
    expect(stdout).toMatch(/^session: +created in \d+\.\d ms$/m);
    expect(stdout).toContain('confusion matrix (rows: true label, columns: predicted)');
    const rows = stdout.split('\n').filter((line) => /^ {3}\d {2}│/.test(line));
    expect(rows).toHaveLength(10);
    rows.forEach((row, digit) => {
      expect(row.startsWith(`   ${digit}`)).toBe(true);
      expect(row).toMatch(/\[\d+\]/); // the diagonal, bracketed
    });
    expect(stdout.split('\n').filter((line) => /^ {2}\d {4} +\d+\.\d% +\d+\.\d% +\d+$/.test(line))).toHaveLength(10);
  });
});
