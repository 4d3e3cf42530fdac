/**
 * Which OpenBLAS kernel the PyTorch reference runs on: decided by measuring, never assumed.
 *
 * This machine's environment pins OpenBLAS to a kernel (OPENBLAS_CORETYPE) and a cache size
 * (OPENBLAS_L2_SIZE). On a CPU with AVX-512 that can leave half the matmul speed unused, which
 * makes PyTorch look slower than it is. The bench probes the environment as given and, in the
 * Python child only, without those variables; it keeps the faster kernel provided both compute
 * the same numbers within fp32 rounding. Pure logic: the probes run in openblas-kernel.ts.
 */

/** The variables that pin OpenBLAS's kernel choice, removed only in the Python child. */
export const OPENBLAS_VARIABLES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/**
 * Largest difference allowed between two kernels' results, relative to the largest magnitude
 * of the result. Summation order alone moves a 784-term fp32 dot product by ~1e-6 of it
 * (measured: 8e-7 between the Haswell and SkylakeX kernels, 4e-7 on the logits after 10 Adam
 * steps); a wrong kernel is off by O(1).
 */
export const CHECK_TOLERANCE = 1e-4;

/** Removing the variables must win by this factor, so noise alone never changes the environment. */
export const MIN_SPEEDUP = 1.05;

export interface KernelCandidate {
  label: string;
  /** Variables removed from the child's environment. */
  removed: string[];
}

/** What one probe (openblas_probe.py) computes with fixed seeds. */
export interface ProbeCheck {
  matmul: number[];
  losses: number[];
  logits: number[];
}

/** One candidate after its probes: the kernel it ran, its best GFLOP/s per thread count, its results. */
export interface ProbedCandidate extends KernelCandidate {
  core: string | null;
  config: string | null;
  gflops: Record<string, number>;
  check: ProbeCheck;
}

export interface CheckComparison {
  matches: boolean;
  tolerance: number;
  /** Part of the check → max |a − b| / max |b|. */
  differences: Record<string, number>;
}

export interface KernelChoice {
  chosen: Omit<ProbedCandidate, 'check'>;
  candidates: Omit<ProbedCandidate, 'check'>[];
  /** The thread count the speeds were compared at. */
  comparedAtThreads: number | null;
  /** Given vs removed; null with one candidate. */
  check: CheckComparison | null;
  /** One line: why this candidate. */
  reason: string;
}

/** The environment as given, and, when any of the variables is set, the environment without them. */
export function kernelCandidates(env: NodeJS.ProcessEnv): KernelCandidate[] {
  const set = OPENBLAS_VARIABLES.filter((name) => env[name] !== undefined);
  const given: KernelCandidate = { label: 'environment as given', removed: [] };
  return set.length === 0 ? [given] : [given, { label: `without ${set.join(', ')}`, removed: set }];
}

/** `base` without the candidate's variables (a copy: `base` is left as it is). */
export function candidateEnv(base: NodeJS.ProcessEnv, candidate: KernelCandidate): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const name of candidate.removed) delete env[name];
  return env;
}

/** max |a − b| / max |b|; Infinity when the lengths differ or a value is not finite. */
export function relativeDifference(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / (scale || 1);
}

export function compareChecks(other: ProbeCheck, reference: ProbeCheck, tolerance = CHECK_TOLERANCE): CheckComparison {
  const differences = {
    matmul: relativeDifference(other.matmul, reference.matmul),
    losses: relativeDifference(other.losses, reference.losses),
    logits: relativeDifference(other.logits, reference.logits),
  };
  return { matches: Object.values(differences).every((d) => d <= tolerance), tolerance, differences };
}

const kernelName = (c: Omit<ProbedCandidate, 'check'>) => c.core ?? 'not OpenBLAS';
const gflopsText = (g: number | undefined) => (g === undefined ? '?' : g.toFixed(0));

/**
 * Keeps the environment as given unless removing the variables gives the same results within
 * CHECK_TOLERANCE and at least MIN_SPEEDUP × the GFLOP/s at the smallest thread count measured
 * (one thread: the figure other processes on a shared 2-core machine disturb least).
 */
export function chooseKernel(probed: ProbedCandidate[]): KernelChoice {
  const strip = ({ check: _check, ...rest }: ProbedCandidate) => rest;
  const [given, removed] = probed;
  if (!given) throw new Error('chooseKernel: no candidate was probed');
  const counts = Object.keys(given.gflops).map(Number).sort((a, b) => a - b);
  const at = counts[0] ?? null;
  if (!removed) {
    return {
      chosen: strip(given), candidates: [strip(given)], comparedAtThreads: at, check: null,
      reason: `${OPENBLAS_VARIABLES.join(' and ')} not set: OpenBLAS's own choice for this CPU`,
    };
  }
  const candidates = probed.map(strip);
  const check = compareChecks(removed.check, given.check);
  const worst = Math.max(...Object.values(check.differences));
  const g = at === null ? undefined : given.gflops[String(at)];
  const r = at === null ? undefined : removed.gflops[String(at)];
  const speeds = `${kernelName(removed)} ${gflopsText(r)} vs ${kernelName(given)} ${gflopsText(g)} GFLOP/s on ${at ?? '?'} thread${at === 1 ? '' : 's'}`;
  if (!check.matches) {
    return {
      chosen: strip(given), candidates, comparedAtThreads: at, check,
      reason: `${removed.label}, results differ from the environment as given by ${worst.toExponential(1)} (more than ${check.tolerance}): kept the environment as given (${speeds})`,
    };
  }
  const faster = g !== undefined && r !== undefined && r >= MIN_SPEEDUP * g;
  return {
    chosen: strip(faster ? removed : given), candidates, comparedAtThreads: at, check,
    reason: faster
      ? `${removed.label} in PyTorch's process: ${speeds} (${(r / g).toFixed(2)}×), ${worst === 0 ? 'identical results' : `same results within ${worst.toExponential(1)}`}`
      : `${removed.label} is not ${Math.round((MIN_SPEEDUP - 1) * 100)}% faster (${speeds}): kept the environment as given`,
  };
}
