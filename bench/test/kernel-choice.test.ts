import { describe, expect, it } from 'vitest';
import {
  candidateEnv, CHECK_TOLERANCE, chooseKernel, kernelCandidates, MIN_SPEEDUP, relativeDifference,
  type ProbeCheck, type ProbedCandidate,
} from '../kernel-choice.js';

const check: ProbeCheck = { matmul: [10, -20, 30], losses: [2.3, 2.1], logits: [1, -1, 0.5] };
const nudged = (by: number): ProbeCheck => ({
  matmul: check.matmul.map((v) => v * (1 + by)),
  losses: check.losses.map((v) => v * (1 + by)),
  logits: check.logits.map((v) => v * (1 + by)),
});

function probed(label: string, removed: string[], core: string, gflops1: number, result: ProbeCheck): ProbedCandidate {
  return { label, removed, core, config: `OpenBLAS 0.3.21 DYNAMIC_ARCH ${core}`, gflops: { '1': gflops1, '2': 2 * gflops1 }, check: result };
}
const given = (gflops: number) => probed('environment as given', [], 'Haswell', gflops, check);
const removed = (gflops: number, result = nudged(1e-6)) =>
  probed('without OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE', ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'], 'Cooperlake', gflops, result);

describe('kernelCandidates', () => {
  it('offers only the environment as given when neither variable is set', () => {
    expect(kernelCandidates({ PATH: '/usr/bin' })).toEqual([{ label: 'environment as given', removed: [] }]);
  });

  it('offers the environment without exactly the variables that are set', () => {
    expect(kernelCandidates({ OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512' })[1])
      .toEqual({ label: 'without OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE', removed: ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] });
    expect(kernelCandidates({ OPENBLAS_L2_SIZE: '512' })[1]?.removed).toEqual(['OPENBLAS_L2_SIZE']);
  });

  it('removes the variables from a copy, never from the environment it was given', () => {
    const base = { OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512', OMP_WAIT_POLICY: 'PASSIVE' };
    const env = candidateEnv(base, kernelCandidates(base)[1]!);
    expect(env).toEqual({ OMP_WAIT_POLICY: 'PASSIVE' });
    expect(base.OPENBLAS_CORETYPE).toBe('Haswell');
  });
});

describe('relativeDifference', () => {
  it('is the largest difference over the largest magnitude', () => {
    expect(relativeDifference([1, 2, 4.002], [1, 2, 4])).toBeCloseTo(0.0005, 10);
    expect(relativeDifference([1, 2], [1, 2])).toBe(0);
  });

  it('is infinite when the lengths differ or a value is not finite', () => {
    expect(relativeDifference([1, 2], [1, 2, 3])).toBe(Infinity);
    expect(relativeDifference([1, Number.NaN], [1, 2])).toBe(Infinity);
  });
});

describe('chooseKernel', () => {
  it('keeps OpenBLAS\'s own choice when there is nothing to remove', () => {
    const choice = chooseKernel([given(100)]);
    expect(choice.chosen.removed).toEqual([]);
    expect(choice.check).toBeNull();
    expect(choice.reason).toMatch(/not set: OpenBLAS's own choice/);
  });

  it('removes the variables when that is faster and computes the same numbers', () => {
    const choice = chooseKernel([given(105), removed(190)]);
    expect(choice.chosen.core).toBe('Cooperlake');
    expect(choice.chosen.removed).toEqual(['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']);
    expect(choice.check?.matches).toBe(true);
    expect(choice.comparedAtThreads).toBe(1);
    expect(choice.reason).toBe("without OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE in PyTorch's process: Cooperlake 190 vs Haswell 105 GFLOP/s on 1 thread (1.81×), same results within 1.0e-6");
  });

  it('keeps the environment as given when the faster kernel computes different numbers', () => {
    const choice = chooseKernel([given(105), removed(190, nudged(10 * CHECK_TOLERANCE))]);
    expect(choice.chosen.core).toBe('Haswell');
    expect(choice.check?.matches).toBe(false);
    expect(choice.reason).toMatch(/results differ .* kept the environment as given/);
  });

  it('keeps the environment as given when removing the variables is not clearly faster', () => {
    const choice = chooseKernel([given(100), removed(100 * MIN_SPEEDUP * 0.99)]);
    expect(choice.chosen.removed).toEqual([]);
    expect(choice.reason).toMatch(/not 5% faster/);
  });

  it('keeps the environment as given when removing the variables is slower', () => {
    expect(chooseKernel([given(190), removed(105)]).chosen.core).toBe('Haswell');
  });
});
