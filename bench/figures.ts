/**
 * FLOPs of the MLP 784-200-200-10 (multiply-adds × 2).
 * Inference: 784·200 + 200·200 + 200·10 = 198,800 multiply-adds → 397,600 FLOPs.
 * Training: the forward pass, the weight gradients (same size again), and the input
 * gradients of layers 2 and 3 (200·200 + 200·10; none for the images): 879,200 FLOPs.
 */
export const INFERENCE_FLOPS_PER_SAMPLE = 397_600;
export const TRAINING_FLOPS_PER_SAMPLE = 879_200;

/** One timed run of one system. */
export interface Measurement {
  /** Samples (training) or images (inference) per second. */
  perSecond: number;
  seconds: number;
  samples: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The fraction of the machine's matmul peak a throughput represents. */
export function peakFraction(perSecond: number, flopsPerSample: number, gflops: number): number {
  return (perSecond * flopsPerSample) / (gflops * 1e9);
}

/** A figure taken at one thread count. */
export interface AtThreads {
  threads: number;
  perSecond: number;
}

/**
 * The fastest of a system's figures at several thread counts: the reference "at its best on
 * this machine". On a tie the fewer threads win (the same speed for less of the machine).
 * Undefined when there is no figure.
 */
export function fastest<T extends AtThreads>(figures: T[]): T | undefined {
  let best: T | undefined;
  for (const f of figures) {
    if (!best || f.perSecond > best.perSecond || (f.perSecond === best.perSecond && f.threads < best.threads)) best = f;
  }
  return best;
}

/**
 * Thread counts the references are measured at: every count up to the cores on a small
 * machine; on a large one the powers of two and the core count (each count is a measurement
 * per comparison and round, so 1..64 would multiply the run time).
 */
export function defaultThreadCounts(cores: number): number[] {
  const n = Math.max(1, Math.floor(cores));
  if (n <= 4) return Array.from({ length: n }, (_, i) => i + 1);
  const counts: number[] = [];
  for (let t = 1; t < n; t *= 2) counts.push(t);
  return [...counts, n];
}
