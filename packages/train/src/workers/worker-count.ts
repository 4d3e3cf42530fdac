import { availableParallelism } from 'node:os';
import { UsageError } from '@mnist-onnx/mnist/node';
import { TrainOptionsError } from '../errors.js';

/**
 * How many worker threads: a count, or `auto` (as many as help, up to the cores). train()'s
 * option also takes 0, the main thread alone; the `--workers` flag takes N ≥ 1 or auto.
 */
export type WorkerRequest = number | 'auto';

/** The tfjs backends a worker thread can run: both keep tensors in host memory, one core each. */
export const WORKER_BACKENDS = ['wasm', 'cpu'];

/**
 * Below this many rows per worker, `auto` adds no worker: another one costs a fixed amount per
 * step (the whole weights in and transposed or packed, a whole gradient out, two barriers) while
 * its share of the matmuls shrinks with its rows. From `pnpm bench` on the 2-core machine, 2
 * workers against the main thread alone at batch 50 (25 rows each): 1.24× on 2026-12-01 at
 * 11:13 UTC, when every step re-packed the weights; 1.51×, 1.52× and 1.49× at 14:28, 14:37 and
 * 14:45 UTC, since small batches run feature-major (fast-mlp.ts). Fewer rows were not measured.
 */
export const MIN_ROWS_PER_WORKER = 25;

/** `--workers` as typed: `auto` or a positive integer, anything else a usage error. */
export function parseWorkerFlag(raw: string, flag: string): WorkerRequest {
  const text = raw.trim();
  if (text === 'auto') return 'auto';
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag}: must be a positive integer or auto, got "${raw}"`);
  return Number(text);
}

/** train()'s `workers` option: auto, or a whole number (0 = the main thread alone). */
export function checkWorkerRequest(request: WorkerRequest, flag: string): WorkerRequest {
  if (request !== 'auto' && !(Number.isInteger(request) && request >= 0)) {
    throw new TrainOptionsError(`${flag}: must be a whole number or auto, got ${request}`);
  }
  return request;
}

/**
 * `auto` trains in the main thread when the whole run is shorter than this many samples: the
 * workers first start their own tfjs (~0.8 s more than the main thread alone here), and V8
 * compiles the loop's code in each of them. Measured, `--preset seed` (batch 200) on 2 cores,
 * wall time of the whole run, main thread against 2 workers: 10 epochs of the embedded set (80k
 * samples) 3.2–4.0 s against 3.6–3.8 s, nothing won; 25 epochs (200k) 7.0 s against 6.4–6.5 s.
 */
export const AUTO_MIN_SAMPLES = 200_000;

export interface WorkerCountQuery {
  request: WorkerRequest;
  /** The tfjs backend the run uses. */
  backend: string;
  batchSize: number;
  /** Samples the run will train on, all epochs together. */
  samples: number;
  /** The flag, for messages. */
  flag: string;
  cores?: number;
}

/** How many worker threads train (0: the main thread alone), and why, in words for the log. */
export interface WorkerChoice {
  count: number;
  reason: string;
}

/**
 * How many worker threads train, 0 meaning the main thread alone (the single-process loop; one
 * worker gives the same weights bit for bit, after its start-up). GPU backends and
 * libtensorflow keep one process: they have their own parallelism, and a second tfjs context
 * on the same device would only compete with the first.
 */
export function resolveWorkerCount({ request, backend, batchSize, samples, flag, cores = availableParallelism() }: WorkerCountQuery): WorkerChoice {
  const fits = WORKER_BACKENDS.includes(backend);
  const threads = (n: number) => `${n} worker thread${n > 1 ? 's' : ''}`;
  if (request === 'auto') {
    if (!fits) return { count: 0, reason: `main thread (auto: the ${backend} backend trains in one process)` };
    if (samples < AUTO_MIN_SAMPLES) {
      return { count: 0, reason: `main thread (auto: ${samples.toLocaleString('en-US')} samples to train, under the ${AUTO_MIN_SAMPLES.toLocaleString('en-US')} that repay the workers' start-up)` };
    }
    const count = Math.min(cores, Math.max(1, Math.floor(batchSize / MIN_ROWS_PER_WORKER)));
    if (count > 1) return { count, reason: `${threads(count)} (auto: ${cores} cores, at least ${MIN_ROWS_PER_WORKER} rows of each batch apiece)` };
    const limit = cores < 2 ? '1 core' : `batch ${batchSize} gives 2 workers fewer than ${MIN_ROWS_PER_WORKER} rows each`;
    return { count: 0, reason: `main thread (auto: ${limit})` };
  }
  if (!fits && request > 1) {
    throw new TrainOptionsError(`${flag} ${request}: the ${backend} backend trains in one process; worker threads run ${WORKER_BACKENDS.join(' or ')} (use --backend wasm, or --workers 1)`);
  }
  if (!fits || request === 0) return { count: 0, reason: fits ? 'main thread' : `main thread (the ${backend} backend trains in one process)` };
  return { count: request, reason: `${threads(request)} (${flag} ${request})` };
}
