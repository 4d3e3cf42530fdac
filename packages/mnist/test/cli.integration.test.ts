import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdxImages, encodeIdxLabels } from '@mnist-onnx/mnist';
import { writeIdxImagesFile, writeIdxLabelsFile } from '@mnist-onnx/mnist/node';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  /** Exit status; -1 when the child did not exit by itself (killed by a signal, output too long), which no test expects. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm data …` the way the root script does, with its own artifacts folder. */
function data(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'packages/mnist/src/cli.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, MNIST_ONNX_ARTIFACTS: artifacts, MNIST_ONNX_DEBUG: '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, signal: error?.signal ?? null, stdout, stderr }),
    );
  });
}

let artifacts: string;
let work: string;
let smallDir: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mnist-cli-'));
  artifacts = join(work, 'artifacts');
  // A tiny valid dataset (gzipped and raw files mixed): 12 train digits, 4 test digits.
  smallDir = join(work, 'small');
  const pixels = (n: number) => Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31) % 256);
  await writeIdxImagesFile(join(smallDir, 'train-images-idx3-ubyte.gz'), pixels(12), 12);
  await writeIdxLabelsFile(join(smallDir, 'train-labels-idx1-ubyte.gz'), Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1]));
  await writeIdxImagesFile(join(smallDir, 't10k-images-idx3-ubyte'), pixels(4), 4);
  await writeIdxLabelsFile(join(smallDir, 't10k-labels-idx1-ubyte'), Uint8Array.from([3, 3, 9, 0]));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const embeddedFiles = () => ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'manifest.json']
  .map((name) => join(artifacts, 'data', 'embedded', name));

describe('pnpm data info / prepare', () => {
  it('reports 8,004 train / 1,996 test with class counts, materialising the files once and reusing them after', async () => {
    const first = await data(['info']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^folder +.*embedded \(materialised now\)$/m);
    expect(first.stdout).toMatch(/^split +images +0 +1 +2 +3 +4 +5 +6 +7 +8 +9$/m);
    expect(first.stdout).toMatch(/^train +8,004 +801 +902 +793 +826 +784 +691 +812 +856 +756 +783$/m);
    expect(first.stdout).toMatch(/^test +1,996 +200 +225 +198 +206 +196 +172 +202 +214 +188 +195$/m);
    expect(first.stdout).toMatch(/^t10k-labels-idx1-ubyte +sha256 [0-9a-f]{64}$/m);
    const times = await Promise.all(embeddedFiles().map(async (f) => (await stat(f)).mtimeMs));

    const second = await data(['info']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toMatch(/^folder +.*embedded \(reused\)$/m);
    expect(await Promise.all(embeddedFiles().map(async (f) => (await stat(f)).mtimeMs))).toEqual(times);

    const prepare = await data(['prepare']);
    expect(prepare).toMatchObject({ code: 0, stderr: '' });
    expect(prepare.stdout).toMatch(/^reused .*embedded \(8,004 train \/ 1,996 test; files match manifest\.json\)$/m);
  });

  it('prints the same facts as JSON, checksums matching the manifest', async () => {
    const run = await data(['info', '--json']);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info).toMatchObject({
      id: 'embedded',
      source: 'embedded',
      train: { count: 8004, classCounts: [801, 902, 793, 826, 784, 691, 812, 856, 756, 783] },
      test: { count: 1996, classCounts: [200, 225, 198, 206, 196, 172, 202, 214, 188, 195] },
    });
    const manifest = JSON.parse(await readFile(join(artifacts, 'data', 'embedded', 'manifest.json'), 'utf8'));
    expect(Object.fromEntries(info.files.map((f: { name: string; sha256: string }) => [f.name, f.sha256]))).toEqual(manifest.files);
  });

  it('reads any folder of IDX files, gzipped or not', async () => {
    const run = await data(['info', '--json', '--data', smallDir]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: `dir:${smallDir}`,
      train: { count: 12, classCounts: [1, 3, 1, 1, 1, 1, 1, 1, 1, 1] },
      test: { count: 4, classCounts: [1, 0, 0, 2, 0, 0, 0, 0, 0, 1] },
    });
  });

  it('writes the files with prepare on a fresh artifacts folder', async () => {
    const fresh = join(work, 'fresh-artifacts');
    const run = await data(['prepare'], { MNIST_ONNX_ARTIFACTS: fresh });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const dir = join(fresh, 'data', 'embedded');
    expect(run.stdout).toBe(`wrote 4 IDX files and manifest.json to ${dir} (8,004 train / 1,996 test)\n`);
    const idxFiles = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
    for (const name of [...idxFiles, 'manifest.json']) expect(existsSync(join(dir, name)), name).toBe(true);
    // And the manifest describes the bytes that are there.
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    for (const name of idxFiles) expect(manifest.files[name], name).toBe(createHash('sha256').update(await readFile(join(dir, name))).digest('hex'));
  });
});

describe('pnpm data show', () => {
  it('draws a digit with shade characters and prints its label', async () => {
    const run = await data(['show', '1995']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(31);
    expect(lines[0]).toBe(`+${'-'.repeat(56)}+`);
    expect(lines.slice(1, 29).every((l) => /^\|[ ░▒▓█]{56}\|$/.test(l))).toBe(true);
    expect(lines.slice(1, 29).join('')).toMatch(/█/);
    // The test split is ordered by digit: its last sample is a 9.
    expect(lines[30]).toBe('test #1995 of embedded: label 9');
  });

  it('takes the split and the data folder as options', async () => {
    const train = await data(['show', '0', '--split', 'train']);
    expect(train.stdout.trimEnd().split('\n').at(-1)).toBe('train #0 of embedded: label 0');
    const small = await data(['show', '2', '--data', smallDir]);
    expect(small.stdout.trimEnd().split('\n').at(-1)).toBe(`test #2 of dir:${smallDir}: label 9`);
  });
});

describe('every bad input: one line on stderr, exit 1, no stack trace', () => {
  let corruptDir: string;
  let badLabelDir: string;
  let deadPort: number;
  beforeAll(async () => {
    // Same small dataset with its test images cut short, and with a label 11.
    corruptDir = join(work, 'corrupt');
    badLabelDir = join(work, 'bad-label');
    for (const dir of [corruptDir, badLabelDir]) {
      await mkdir(dir, { recursive: true });
      for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
        await writeFile(join(dir, name), await readFile(join(smallDir, name)));
      }
    }
    await writeFile(join(corruptDir, 't10k-images-idx3-ubyte'), encodeIdxImages(new Uint8Array(4 * 784), 4, 28, 28).subarray(0, 1000));
    await writeFile(join(badLabelDir, 't10k-labels-idx1-ubyte'), encodeIdxLabels(Uint8Array.from([3, 11, 9, 0])));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    deadPort = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const cases: [string, () => string[], RegExp, (() => Record<string, string>)?][] = [
    ['no command', () => [], /^error: name a command: info, prepare, download or show \(see --help\)$/],
    ['unknown command', () => ['bogus'], /^error: Unknown argument: bogus$/],
    ['unknown flag', () => ['info', '--bogus'], /^error: Unknown argument: bogus$/],
    ['flag of another command', () => ['prepare', '--json'], /^error: Unknown argument: json$/],
    ['show without an index', () => ['show'], /^error: Not enough non-option arguments: got 0, need at least 1$/],
    ['index that is not a number', () => ['show', 'abc'], /^error: show: index must be a whole number ≥ 0, got "abc"$/],
    ['fractional index', () => ['show', '1.5'], /^error: show: index must be a whole number ≥ 0, got "1\.5"$/],
    ['index past the end', () => ['show', '1996'], /^error: show: index 1996 is outside the test split of embedded \(0–1,995\)$/],
    ['unknown split', () => ['show', '0', '--split', 'val'], /^error: Invalid values:.*Given: "val", Choices: "test", "train"$/],
    ['missing data folder', () => ['info', '--data', join(work, 'nope')], /^error: --data .*nope: no such data folder \(expected embedded, mnist or a folder of IDX files\)$/],
    ['full MNIST not downloaded', () => ['info', '--data', 'mnist'], /^error: .*mnist: full MNIST is not downloaded yet; run pnpm data download$/],
    ['truncated IDX file', () => ['info', '--data', corruptDir], /^error: .*corrupt\/t10k-images-idx3-ubyte: truncated: 4×28×28 images need 3136 data bytes, found 984$/],
    ['label out of range', () => ['show', '0', '--data', badLabelDir], /^error: .*bad-label\/t10k-labels-idx1-ubyte: label 11 at index 1 is out of range 0–9$/],
    ['mirror that is not http', () => ['download', '--dir', join(work, 'dl-ftp'), '--mirror', 'ftp://host/mnist/'], /^error: mirror "ftp:\/\/host\/mnist\/" is not an http\(s\) URL$/],
    [
      'offline download',
      () => ['download', '--dir', join(work, 'dl-offline')],
      /^error: cannot download train-images-idx3-ubyte\.gz: every mirror failed \(http:\/\/127\.0\.0\.1:\d+\/mnist\/train-images-idx3-ubyte\.gz: .*ECONNREFUSED.*\)$/,
      () => ({ MNIST_MIRRORS: `http://127.0.0.1:${deadPort}/mnist/` }),
    ],
  ];

  it.concurrent.each(cases)('%s', async (_name, args, message, env) => {
    const run = await data(args(), env?.() ?? {});
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(message), '']);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('leaves no folder behind after an offline download', async () => {
    const dir = join(work, 'dl-offline-2');
    const run = await data(['download', '--dir', dir], { MNIST_MIRRORS: `http://127.0.0.1:${deadPort}/mnist/` });
    expect(run.code).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });
});
