import { describe, expect, it } from 'vitest';
import type { MatmulPeak } from '../matmul-peak.js';
import { PeakSamples, peakFor } from '../matmul-peak.js';
import type { TorchEnv } from '../python.js';
import { Series } from '../series.js';

const env = { torch: '1.13', blas: 'OpenBLAS', openblasCore: 'SkylakeX' } as TorchEnv;
const peak = (gflops: Record<string, number>): MatmulPeak => ({ gflops, size: 1024, env });
const m = (perSecond: number) => ({ perSecond, seconds: 1, samples: perSecond });

describe('Series', () => {
  // Two rounds, taken alternately: tfjs, PyTorch at 1 and 2 threads, then again.
  const series = new Series('PyTorch');
  for (const [tfjs, torch1, torch2] of [[20_000, 100_000, 18_000], [22_000, 110_000, 19_000]]) {
    series.add('tfjs wasm', 1, m(tfjs));
    series.add('PyTorch', 1, m(torch1));
    series.add('PyTorch', 2, m(torch2));
  }

  it('takes PyTorch at its fastest thread count as the reference', () => {
    expect(series.best()).toEqual({ threads: 1, perSecond: 105_000 });
  });

  it('divides every row by that reference and marks it', () => {
    const rows = series.rows(1_000_000, peak({ '1': 200, '2': 400 }));
    const byKey = Object.fromEntries(rows.map((r) => [`${r.system} ${r.threads}`, r]));
    expect(byKey['tfjs wasm 1']?.ratioVsPytorchBest).toBeCloseTo(21_000 / 105_000, 10);
    expect(byKey['PyTorch 2']?.ratioVsPytorchBest).toBeCloseTo(18_500 / 105_000, 10);
    expect(byKey['PyTorch 1']?.isPytorchBest).toBe(true);
    expect(byKey['PyTorch 2']?.isPytorchBest).toBe(false);
    expect(byKey['tfjs wasm 1']?.isPytorchBest).toBeUndefined();
  });

  it('gives each row its fraction of the peak at its own thread count', () => {
    const rows = series.rows(1_000_000, peak({ '1': 200, '2': 400 }));
    expect(rows.find((r) => r.system === 'PyTorch' && r.threads === 2)?.peakFraction).toBeCloseTo(18_500e6 / 400e9, 10);
    expect(rows.find((r) => r.system === 'tfjs wasm')?.peakFraction).toBeCloseTo(21_000e6 / 200e9, 10);
  });
});

describe('matmul peak', () => {
  it('keeps the best of the samples at each thread count, and counts them', () => {
    const samples = new PeakSamples();
    samples.add({ '1': 190, '2': 300 });
    samples.add({ '2': 355 });
    samples.add({ '1': 150, '2': Number.NaN });
    const p = samples.peak(peak({}));
    expect(p.gflops).toEqual({ '1': 190, '2': 355 });
    expect(p.samples).toEqual({ '1': 2, '2': 2 });
    expect(p.env).toBe(env);
  });

  it('falls back to the nearest thread count measured below', () => {
    const p = peak({ '1': 190, '2': 355 });
    expect(peakFor(p, 2)).toBe(355);
    expect(peakFor(p, 8)).toBe(355);
    expect(peakFor(p, 1)).toBe(190);
  });
});
