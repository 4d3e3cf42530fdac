import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@mnist-onnx/mnist/node';

// The README's main command, run as a user runs it, on a short schedule to keep CI quick.
const root = repoRoot();
let artifacts: string;
let run: ReturnType<typeof spawnSync>;

function pnpmStart(args: string[], artifactsDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'packages/pipeline/src/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, MNIST_ONNX_ARTIFACTS: artifactsDir, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 240_000,
  });
}

beforeAll(async () => {
  artifacts = await mkdtemp(join(tmpdir(), 'pipeline-'));
  run = pnpmStart(['--epochs', '3'], artifacts);
}, 300_000);
afterAll(() => rm(artifacts, { recursive: true, force: true }));

describe('pnpm start', () => {
  it('trains, exports, infers and ends with the summary and how to open the classifier', () => {
    expect(run.stderr).not.toMatch(/^error:/m);
    expect(run.status).toBe(0);
    const out = String(run.stdout);
    expect(out).toMatch(/Train Epoch: 3 \[/);
    const tfjs = Number(/test accuracy, tfjs\s+([\d.]+)%/.exec(out)?.[1]);
    const onnx = Number(/test accuracy, ONNX Runtime\s+([\d.]+)%/.exec(out)?.[1]);
    expect(tfjs).toBeGreaterThan(90);
    expect(onnx).toBe(tfjs);
    expect(out).toMatch(/max \|Δlogit\| tfjs vs ONNX\s+\d\.\d+e-\d+/);
    for (const stage of ['data', 'train', 'export', 'infer']) expect(out).toMatch(new RegExp(`stage ${stage}\\s+[\\d.]+ s`));
    expect(out).toMatch(/pnpm web/);
    for (const file of ['model/tfjs/model.json', 'model/mnist-mlp.onnx', 'model/export-report.json', 'infer-report.json', 'report.html']) {
      expect(existsSync(join(artifacts, file)), file).toBe(true);
    }
  });

  it('writes a report.html whose charts render in Chromium', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`file://${join(artifacts, 'report.html')}`);
      await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 20_000 });
      for (const id of ['loss', 'accuracy', 'confusion', 'perclass']) {
        // Each chart is drawn as SVG with real marks, not an empty box.
        const marks = await page.locator(`#${id} svg path`).count();
        expect(marks, id).toBeGreaterThan(10);
      }
      const lossPoints = await page.evaluate(() => (window as unknown as { data: { training: { history: unknown[] } } }).data?.training.history.length);
      expect(lossPoints ?? 3).toBe(3);
      await mkdir(join(root, 'test-results'), { recursive: true });
      const shot = join(root, 'test-results', 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });

  it('stops at a failing stage with its one-line error, exit 1, earlier artifacts intact', async () => {
    const reportBefore = await readFile(join(artifacts, 'report.html'));
    const failed = pnpmStart(['--epochs', '1', '--ep', 'cuda'], artifacts);
    expect(failed.status).toBe(1);
    const errors = String(failed.stderr).split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cuda/i);
    expect(String(failed.stderr)).not.toMatch(/\n\s+at /);
    // Train and export finished before infer failed: their outputs are whole and consistent…
    const exported = JSON.parse(await readFile(join(artifacts, 'model', 'export-report.json'), 'utf8'));
    const onnx = await readFile(join(artifacts, 'model', 'mnist-mlp.onnx'));
    expect(createHash('sha256').update(onnx).digest('hex')).toBe(exported.output.sha256);
    // …and the report of the last complete run is untouched (Buffer.equals: vitest's deep equality is slow on big buffers).
    expect((await readFile(join(artifacts, 'report.html'))).equals(reportBefore)).toBe(true);
  });

  it('rejects an unknown flag with one line and exit 1', () => {
    const bad = pnpmStart(['--epoks', '3'], artifacts);
    expect(bad.status).toBe(1);
    expect(String(bad.stderr).trim()).toMatch(/^error: Unknown argument: epoks$/);
  });
});
