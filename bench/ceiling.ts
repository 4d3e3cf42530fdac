import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TfjsTraining, TfjsTrainingRun } from './tfjs-training.js';

const run = promisify(execFile);
const COPY_ENTRY = fileURLToPath(new URL('./training-copy.ts', import.meta.url));

/** A training measured in the main thread of each copy. */
type MainThreadRun = Omit<TfjsTrainingRun, 'workers'>;

/** What `copies` independent training processes running at the same moment manage, against one alone. */
export interface ParallelCeiling {
  copies: number;
  /** Samples/s of one copy with the machine to itself. */
  alone: number;
  /** Samples/s of all copies together (the sum of each one's rate while all ran). */
  together: number;
  /** together ÷ alone: the most `copies`-way data parallelism could reach here, with no exchange or waiting at all. */
  ratio: number;
}

async function copiesAtOnce(training: MainThreadRun, copies: number): Promise<number[]> {
  const runs = Array.from({ length: copies }, () =>
    run(process.execPath, ['--import', 'tsx', COPY_ENTRY, JSON.stringify({ ...training, workers: 0 } satisfies TfjsTrainingRun)], { maxBuffer: 1 << 20 }));
  return (await Promise.all(runs)).map(({ stdout }) => (JSON.parse(stdout) as TfjsTraining).perSecond);
}

/**
 * The machine's own reference for data parallelism: the same single-threaded training, once
 * alone and then as `copies` separate processes at once, sharing nothing. Cores that are
 * hyperthreads of one another, a shared memory bus, or a noisy neighbour show up here as a ratio
 * below `copies`. It is not a bound for the workers: each copy's V8 background threads compete
 * with the training at full priority, while the workers' process lowers its own (thread-priority.ts);
 * on 2026-12-01 (15:34 UTC) 2 workers reached 1.74× one worker at batch 200 where 2 copies reached 1.66×.
 */
export async function measureParallelCeiling(training: MainThreadRun, copies: number): Promise<ParallelCeiling> {
  const [alone] = await copiesAtOnce(training, 1);
  const together = (await copiesAtOnce(training, copies)).reduce((sum, rate) => sum + rate, 0);
  return { copies, alone: alone!, together, ratio: together / alone! };
}
