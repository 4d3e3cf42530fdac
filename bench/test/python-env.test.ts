import { describe, expect, it } from 'vitest';
import { pythonBaseEnv } from '../python.js';

describe('pythonBaseEnv', () => {
  it('makes PyTorch\'s OpenMP threads wait passively unless --spin', () => {
    expect(pythonBaseEnv({ PATH: '/bin' }, false)).toEqual({ PATH: '/bin', OMP_WAIT_POLICY: 'PASSIVE' });
    expect(pythonBaseEnv({ PATH: '/bin' }, true)).toEqual({ PATH: '/bin' });
  });

  it('keeps a wait policy the user set, and leaves the environment it was given alone', () => {
    const env = { OMP_WAIT_POLICY: 'ACTIVE', OPENBLAS_CORETYPE: 'Haswell' };
    const child = pythonBaseEnv(env, false);
    expect(child).toEqual(env);
    child.OPENBLAS_CORETYPE = 'changed';
    expect(env.OPENBLAS_CORETYPE).toBe('Haswell');
  });
});
