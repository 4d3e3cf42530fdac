import { describe, expect, it } from 'vitest';
import { defaultThreadCounts, fastest, peakFraction } from '../figures.js';

describe('fastest', () => {
  it('picks the thread count with the highest figure', () => {
    expect(fastest([{ threads: 1, perSecond: 105_000 }, { threads: 2, perSecond: 18_000 }])?.threads).toBe(1);
    expect(fastest([{ threads: 1, perSecond: 300 }, { threads: 2, perSecond: 500 }, { threads: 4, perSecond: 450 }])?.threads).toBe(2);
  });

  it('prefers fewer threads on a tie, and has no answer without figures', () => {
    expect(fastest([{ threads: 2, perSecond: 10 }, { threads: 1, perSecond: 10 }])?.threads).toBe(1);
    expect(fastest([])).toBeUndefined();
  });
});

describe('defaultThreadCounts', () => {
  it('counts every thread count up to 4 cores', () => {
    expect(defaultThreadCounts(1)).toEqual([1]);
    expect(defaultThreadCounts(2)).toEqual([1, 2]);
    expect(defaultThreadCounts(4)).toEqual([1, 2, 3, 4]);
  });

  it('takes the powers of two and the core count above that', () => {
    expect(defaultThreadCounts(8)).toEqual([1, 2, 4, 8]);
    expect(defaultThreadCounts(12)).toEqual([1, 2, 4, 8, 12]);
  });
});

describe('peakFraction', () => {
  it('is the throughput in FLOP/s over the peak', () => {
    // 100,000 samples/s × 879,200 FLOPs = 87.92 GFLOP/s of a 175.84 GFLOP/s peak.
    expect(peakFraction(100_000, 879_200, 175.84)).toBeCloseTo(0.5, 10);
  });
});
