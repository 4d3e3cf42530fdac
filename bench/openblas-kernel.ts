import { candidateEnv, chooseKernel, kernelCandidates, type KernelChoice, type ProbeCheck, type ProbedCandidate } from './kernel-choice.js';
import type { MatmulPeak } from './matmul-peak.js';
import { OPENBLAS_PROBE, runPythonJson, type PythonRunner, type TorchEnv } from './python.js';
import type { ReferenceRunner } from './pytorch.js';
import { formatGflops } from './report.js';
import { log } from './series.js';

interface ProbeResult {
  env: TorchEnv;
  gflops: Record<string, number>;
  size: number;
  check: ProbeCheck;
}

export interface KernelSelection {
  choice: KernelChoice;
  /** Runs every later Python child on the chosen kernel. */
  runner: ReferenceRunner;
  /** The chosen kernel's matmul speed, best over its probes (the peak's first measurement). */
  peak: MatmulPeak;
  /** Each of the chosen kernel's probes' GFLOP/s, as samples of the peak. */
  probeGflops: Record<string, number>[];
}

const describe = (r: ProbeResult) => `${r.env.openblasCore ?? r.env.blas}, ${formatGflops(r.gflops)}`;

/**
 * Probes each kernel candidate (environment as given; without the OpenBLAS variables when
 * they are set) alternately, two rounds when there is a choice to make, and keeps the faster
 * one that computes the same numbers (kernel-choice.ts).
 */
export async function selectOpenblasKernel(base: PythonRunner, dataDir: string, threads: number[]): Promise<KernelSelection> {
  const candidates = kernelCandidates(base.env);
  const runners = candidates.map((c) => ({ python: base.python, env: candidateEnv(base.env, c) }));
  const results: ProbeResult[][] = candidates.map(() => []);
  const rounds = candidates.length > 1 ? 2 : 1;
  for (let round = 1; round <= rounds; round++) {
    for (const [i, candidate] of candidates.entries()) {
      const r = await runPythonJson<ProbeResult>(runners[i], OPENBLAS_PROBE, [dataDir, '--threads', threads.join(',')]);
      results[i].push(r);
      log(`OpenBLAS probe ${round}/${rounds} · ${candidate.label}: ${describe(r)}`);
    }
  }
  const probed: ProbedCandidate[] = candidates.map((c, i) => {
    const [first] = results[i];
    const gflops = Object.fromEntries(Object.keys(first.gflops).map((t) => [t, Math.max(...results[i].map((r) => r.gflops[t] ?? 0))]));
    return { ...c, core: first.env.openblasCore ?? null, config: first.env.openblasConfig ?? null, gflops, check: first.check };
  });
  const choice = chooseKernel(probed);
  const index = candidates.findIndex((c) => c.label === choice.chosen.label);
  const [chosenFirst] = results[index];
  return {
    choice,
    runner: { ...runners[index], core: choice.chosen.core },
    peak: { gflops: choice.chosen.gflops, size: chosenFirst.size, env: chosenFirst.env },
    probeGflops: results[index].map((r) => r.gflops),
  };
}
