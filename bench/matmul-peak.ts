import { MATMUL_PEAK, runPythonJson, type PythonRunner, type TorchEnv } from './python.js';

export interface MatmulPeak {
  /** Thread count → best fp32 GFLOP/s of a 1024² product (OpenBLAS via torch.mm). */
  gflops: Record<string, number>;
  size: number;
  env: TorchEnv;
}

/**
 * The machine's fp32 matmul speed on the chosen BLAS kernel: no system computing this MLP can
 * beat it by much, so each system's fraction of it says how much is left on the table.
 */
export async function measureMatmulPeak(runner: PythonRunner, threads: number[]): Promise<MatmulPeak> {
  return runPythonJson<MatmulPeak>(runner, MATMUL_PEAK, ['--threads', threads.join(',')]);
}

export interface SampledPeak extends MatmulPeak {
  /** Thread count → how many timings the figure is the best of. */
  samples: Record<string, number>;
}

/**
 * Samples of the matmul speed taken through the run (at the start, in each PyTorch process,
 * at the end). Other processes can only slow a measurement down, so at each thread count the
 * largest sample is the truest figure; on a shared machine a peak taken only at the start and
 * the end can come out below what a system reached in between.
 */
export class PeakSamples {
  private readonly best = new Map<string, { gflops: number; samples: number }>();

  add(gflops: Record<string, number>): void {
    for (const [threads, g] of Object.entries(gflops)) {
      if (!Number.isFinite(g)) continue;
      const seen = this.best.get(threads);
      this.best.set(threads, { gflops: Math.max(g, seen?.gflops ?? 0), samples: (seen?.samples ?? 0) + 1 });
    }
  }

  /** `base` (size, kernel) with the best sample at each thread count, and how many there were. */
  peak(base: MatmulPeak): SampledPeak {
    const sorted = [...this.best].sort(([a], [b]) => Number(a) - Number(b));
    return {
      ...base,
      gflops: Object.fromEntries(sorted.map(([t, b]) => [t, b.gflops])),
      samples: Object.fromEntries(sorted.map(([t, b]) => [t, b.samples])),
    };
  }
}

/** The peak for a thread count, falling back to the nearest measured one below it. */
export function peakFor(peak: MatmulPeak, threads: number): number {
  const counts = Object.keys(peak.gflops).map(Number).sort((a, b) => a - b);
  const usable = counts.filter((c) => c <= threads);
  return peak.gflops[String(usable.at(-1) ?? counts[0])];
}
