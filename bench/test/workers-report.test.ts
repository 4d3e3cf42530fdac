import { describe, expect, it } from 'vitest';
import type { WorkerScaling } from '../bench-workers.js';
import { formatWorkerScaling, workerScalingMarkdown } from '../workers-report.js';

const timing = { compute: 4, exchange: 0.2, update: 0.5, wait: 0.3, cpu: 4.5 };
const scaling: WorkerScaling[] = [{
  batchSize: 200,
  description: 'reference: adam lr 0.001, batch 200',
  pytorchBest: { threads: 1, perSecond: 100_000 },
  load: [0.5, 0.7],
  rows: [
    { system: 'tfjs wasm', workers: 0, perSecond: 20_000, rounds: [20_000], ratioVsOneWorker: 20_000 / 19_000, ratioVsPytorchBest: 0.2 },
    { system: 'tfjs wasm', workers: 1, perSecond: 19_000, rounds: [19_000], ratioVsOneWorker: 1, ratioVsPytorchBest: 0.19, perStep: timing },
    { system: 'tfjs wasm', workers: 2, perSecond: 34_200, rounds: [34_200], ratioVsOneWorker: 1.8, ratioVsPytorchBest: 0.342, perStep: timing },
    { system: 'PyTorch (fastest)', workers: 1, perSecond: 100_000, rounds: [100_000], ratioVsPytorchBest: 1 },
  ],
}];

describe('worker scaling report', () => {
  it('prints each count with its ratio to 1 worker, to PyTorch, and the time per step by part', () => {
    const text = formatWorkerScaling(scaling, 1);
    expect(text).toMatch(/tfjs wasm, 2 workers\s+34,200\s+1\.80×\s+0\.34×\s+4\.00\s+0\.20\s+0\.50\s+0\.30\s+90%/);
    expect(text).toMatch(/tfjs wasm, main thread alone\s+20,000/);
    expect(text).toMatch(/PyTorch \(fastest\), 1 thread\s+100,000/);
    expect(text).toContain('load average 0.50 → 0.70');
  });

  it('gives the README one row per batch size, one column per worker count', () => {
    expect(workerScalingMarkdown(scaling).split('\n')).toEqual([
      '| batch | main thread | 1 worker | 2 workers | PyTorch at its fastest | best tfjs ÷ PyTorch |',
      '| --- | --- | --- | --- | --- | --- |',
      '| 200 | 20,000 | 19,000 | 34,200 (1.80×) | 100,000 (1 thread) | 0.34× |',
    ]);
  });

  it('states what the cores give independent copies: the median of copies at once over one alone', () => {
    const withCeiling: WorkerScaling[] = [{ ...scaling[0]!, ceiling: [
      { copies: 2, alone: 20_000, together: 30_000, ratio: 1.5 },
      { copies: 2, alone: 20_000, together: 26_000, ratio: 1.3 },
      { copies: 2, alone: 20_000, together: 34_000, ratio: 1.7 },
    ] }];
    expect(formatWorkerScaling(withCeiling, 3)).toContain('2 independent processes at once train 30,000 samples/s in all, 1.50× one alone (range 1.30–1.70): what the cores give copies that share nothing');
    expect(workerScalingMarkdown(withCeiling).split('\n')[2]).toBe('| 200 | 20,000 | 19,000 | 34,200 (1.80×) | 1.50× one alone | 100,000 (1 thread) | 0.34× |');
  });
});
