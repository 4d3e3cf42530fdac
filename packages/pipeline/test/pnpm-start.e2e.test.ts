import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, NO_VULKAN_DRIVER_ENV, REPO_ROOT as root, TEST_RESULTS_DIR } from '@mnist-onnx/test-support';

// The README's main command, run as a user runs it, on a short schedule to keep CI quick.
let artifacts: string;
let run: ReturnType<typeof spawnSync>;

function pnpmStart(args: string[], artifactsDir: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'packages/pipeline/src/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, MNIST_ONNX_ARTIFACTS: artifactsDir, FORCE_COLOR: '0', ...env },
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
    // At most one of the 1,996 test digits apart (a GPU EP may use TF32 and flip a near-tie), plus the two-decimal rounding of each figure.
    expect(Math.abs(onnx - tfjs)).toBeLessThanOrEqual(100 / 1996 + 0.01);
    expect(out).toMatch(/max \|Δlogit\| tfjs vs ONNX\s+\d\.\d+e-\d+/);
    for (const stage of ['data', 'train', 'export', 'infer']) expect(out).toMatch(new RegExp(`stage ${stage}\\s+[\\d.]+ s`));
    expect(out).toMatch(/pnpm web/);
    for (const file of ['model/tfjs/model.json', 'model/mnist-mlp.onnx', 'model/export-report.json', 'infer-report.json', 'report.html']) {
      expect(existsSync(join(artifacts, file)), file).toBe(true);
    }
  });

  it('writes a report.html whose charts render in Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`file://${join(artifacts, 'report.html')}`);
      await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 20_000 });
      for (const id of ['loss', 'accuracy', 'confusion', 'perclass']) {
        // Each chart is drawn as SVG with real marks, not an empty box.
        const marks = await page.locator(`#${id} svg path`).count();
        expect(marks, id).toBeGreaterThan(10);
      }
      // What the charts hold, read from ECharts itself: one point per epoch of this 3-epoch run.
      const drawn = await page.evaluate(`(() => {
        const option = (id) => echarts.getInstanceByDom(document.getElementById(id)).getOption();
        return {
          loss: option('loss').series.map((s) => s.data.length),
          accuracy: option('accuracy').series.map((s) => s.data.length),
          confusionCells: option('confusion').series[0].data.length,
          perclass: option('perclass').series.map((s) => s.data.length),
        };
      })()`);
      expect(drawn).toEqual({ loss: [3, 3], accuracy: [3, 3], confusionCells: 100, perclass: [10, 10] });
      await mkdir(TEST_RESULTS_DIR, { recursive: true });
      const shot = join(TEST_RESULTS_DIR, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });

  it('stops at a failing stage with its one-line error, exit 1, earlier artifacts intact', async () => {
    const reportBefore = await readFile(join(artifacts, 'report.html'));
    // WebGPU named explicitly, with no Vulkan driver to be found: inference fails on any machine.
    const failed = pnpmStart(['--epochs', '1', '--ep', 'webgpu'], artifacts, NO_VULKAN_DRIVER_ENV);
    expect(failed.status).toBe(1);
    const errors = String(failed.stderr).split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([expect.stringMatching(/^error: --ep webgpu cannot start: no WebGPU adapter found/)]);
    expect(String(failed.stderr)).toContain('pnpm start stopped at stage "infer"');
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

