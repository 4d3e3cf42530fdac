import { describe, expect, it } from 'vitest';
import type { ReportData } from '../src/report-data.js';
import { bundleReportPage, renderReportHtml } from '../src/report-html.js';

const epoch = (n: number) => ({ epoch: n, trainLoss: 1 / n, trainAccuracy: 0.9, testLoss: 1 / n, testAccuracy: 0.9, testCorrect: 9, testCount: 10, seconds: 1, samplesPerSecond: 100, lr: 0.01 });
const identity = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 1 : 0)));

const data: ReportData = {
  generatedAt: '2026-12-01T00:00:00.000Z',
  dataset: { id: 'embedded', train: 100, test: 10 },
  training: { preset: 'default', backend: 'wasm', backendNotes: ['</script><b>not markup</b>'], hyperparameters: { lr: 0.01 }, history: [epoch(1), epoch(2)], wallSeconds: 2, tfjsAccuracy: 1 },
  parity: { onnxFile: '/m.onnx', onnxBytes: 1024, nodes: 5, parameters: 10, maxAbsLogitDiff: 1e-6, argmaxAgreement: 1, tfjsAccuracy: 1, onnxAccuracy: 1 },
  inference: { executionProvider: 'cpu', accuracy: 1, meanLoss: 0.1, meanEntropyBits: 0.2, confusion: identity, precision: Array(10).fill(1), recall: Array(10).fill(1), imagesPerSecond: 1000, sessionCreateMs: 5 },
  stages: [{ name: 'train', seconds: 1 }],
  machine: { cpu: 'cpu', cores: 2, memoryGiB: 4, platform: 'linux', node: 'v20' },
};

describe('report.html', () => {
  it('bundles the page code with the parts of ECharts it uses into one classic script', async () => {
    const script = await bundleReportPage();
    expect(script).not.toMatch(/<\/script/i);
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
    // Tree-shaken: the full echarts.min.js alone is ~1.1 MB.
    expect(script.length).toBeGreaterThan(100_000);
    expect(script.length).toBeLessThan(800_000);
  }, 60_000);

  it('carries the figures as JSON the page reads, with no way to close the script element early', () => {
    const html = renderReportHtml(data, '/* page */');
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1];
    expect(json).toBeDefined();
    expect(json).not.toContain('</');
    expect(JSON.parse(json!)).toEqual(data);
    expect(html.indexOf('id="report-data"')).toBeLessThan(html.indexOf('/* page */'));
  });
});
