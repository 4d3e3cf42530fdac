import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultThreadCounts } from '../figures.js';
import { parseBenchArgs } from '../options.js';

describe('parseBenchArgs --threads', () => {
  it('defaults to the thread counts of this machine', () => {
    expect(parseBenchArgs([]).threads).toEqual(defaultThreadCounts(availableParallelism()));
  });

  it('takes a list, sorted and without repeats', () => {
    expect(parseBenchArgs(['--threads', '2,1,2']).threads).toEqual([1, 2]);
    expect(parseBenchArgs(['--threads', '4']).threads).toEqual([4]);
  });

  it('refuses anything but positive integers with a one-line error naming the flag', () => {
    for (const bad of ['0', '1,x', '1.5', '', '-2']) {
      expect(() => parseBenchArgs([`--threads=${bad}`])).toThrow(/^--threads: ".*" is not a positive integer \(give thread counts, e\.g\. 1,2\)$/);
    }
  });

  it('refuses an unknown flag', () => {
    expect(() => parseBenchArgs(['--floor'])).toThrow("Unknown option '--floor' (see pnpm bench --help)");
  });
});
