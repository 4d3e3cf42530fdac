import { MATMUL_FLOOR, runPythonJson, type TorchEnv } from './python.js';

export interface MatmulFloor {
  /** Thread count → best fp32 GFLOP/s of a 1024² product (OpenBLAS via torch.mm). */
  gflops: Record<string, number>;
  size: number;
  env: TorchEnv;
}

/**
 * The machine's fp32 matmul speed, measured once per bench: no system computing this MLP
 * can beat it by much, so each system's fraction of it says how much is left on the table.
 */
export async function measureMatmulFloor(python: string, threads: number[]): Promise<MatmulFloor> {
  return runPythonJson<MatmulFloor>(python, MATMUL_FLOOR, ['--threads', threads.join(',')]);
}

/** The floor for a thread count, falling back to the nearest measured one below it. */
export function floorFor(floor: MatmulFloor, threads: number): number {
  const counts = Object.keys(floor.gflops).map(Number).sort((a, b) => a - b);
  const usable = counts.filter((c) => c <= threads);
  return floor.gflops[String(usable.at(-1) ?? counts[0])];
}
