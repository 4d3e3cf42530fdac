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

/** The fraction of the machine's matmul speed a throughput represents. */
export function floorFraction(perSecond: number, flopsPerSample: number, gflops: number): number {
  return (perSecond * flopsPerSample) / (gflops * 1e9);
}
