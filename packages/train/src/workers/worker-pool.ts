import type { Worker } from 'node:worker_threads';
import { describeError } from '@mnist-onnx/mnist/node';
import type { FastMlpConfig } from '../fast-mlp.js';
import type { BatchTables } from '../host-batches.js';
import { optimizerSlots, type OptimizerState } from '../optimizers.js';
import { WorkerFailedError } from './errors.js';
import { CONTROL, PoolMemory, TIMING, TIMING_FIELDS, type PoolLayout } from './shared-memory.js';
import { spawnWorker } from './spawn-worker.js';
import { yieldOtherThreads } from './thread-priority.js';
import type { WorkerInit, WorkerReady } from './worker-protocol.js';

/** Node has Atomics.waitAsync (V8 ≥ 8.7); TypeScript types it only from lib es2024 on. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

export interface PoolOptions {
  workers: number;
  backend: string;
  config: FastMlpConfig;
  optimizer: WorkerInit['optimizer'];
  /** Parameter shapes in flatParams order. */
  shapes: number[][];
  /** The training set's batch tables, in shared memory. */
  tables: BatchTables;
  batchesPerEpoch: number;
}

/** Milliseconds one worker spent on each part of the epoch's steps. */
export type WorkerTiming = Record<(typeof TIMING_FIELDS)[number], number>;

/** One epoch's work for the workers: the shuffled order and shifts are already in shared memory. */
export interface EpochWork {
  batches: number;
  batchSize: number;
  samples: number;
  /** Called once per finished step (0-based), in order, while the workers go on. */
  onStep?: (step: number) => void;
}

/**
 * The main thread's side of synchronous data parallelism: N worker threads, each with its own
 * tfjs backend, and the shared memory they train in (weights, optimizer slots, one gradient per
 * worker, the epoch's plan, per-step losses). Main plans an epoch and waits; the workers run
 * its steps among themselves. A worker that throws or dies fails the run with its name and
 * cause; the others are terminated (they are threads of this process, so a killed main process
 * takes them along).
 */
export class WorkerPool {
  readonly memory: PoolMemory;
  private readonly threads: Worker[] = [];
  private failure: WorkerFailedError | undefined;
  private readonly failed: Promise<never>;
  private fail!: (error: WorkerFailedError) => void;
  private closing = false;
  /** Optimizer updates applied so far (Adam's bias correction counts them). */
  private updates = 0;

  private constructor(private readonly options: PoolOptions) {
    const layout: PoolLayout = {
      workers: options.workers,
      shapes: options.shapes,
      slots: optimizerSlots(options.optimizer.optimizer),
      samples: options.tables.count,
      batches: options.batchesPerEpoch,
    };
    this.memory = PoolMemory.allocate(layout, options.tables);
    this.failed = new Promise<never>((_, reject) => {
      this.fail = (error) => {
        if (this.failure || this.closing) return;
        this.failure = error;
        reject(error);
        void this.terminate();
      };
    });
    this.failed.catch(() => {});
  }

  /** Starts the workers and waits until each has its backend running. */
  static async start(options: PoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      await pool.spawn();
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    return pool;
  }

  private async spawn(): Promise<void> {
    const { workers, backend, config, optimizer } = this.options;
    const name = (k: number) => `data-parallel worker ${k + 1} of ${workers}`;
    const ready = Array.from({ length: workers }, (_, k) => {
      const init: WorkerInit = { index: k, backend, config, optimizer, layout: this.memory.layout, buffers: this.memory.buffers };
      const thread = spawnWorker(init);
      this.threads.push(thread);
      thread.on('error', (error) => this.fail(new WorkerFailedError(`${name(k)} failed: ${describeError(error)}`, { cause: error })));
      thread.on('exit', (code) => {
        if (!this.closing) this.fail(new WorkerFailedError(`${name(k)} exited unexpectedly (exit code ${code})`));
      });
      return new Promise<number | undefined>((resolve) => thread.once('message', (m: WorkerReady) => m.type === 'ready' && resolve(m.osThreadId)));
    });
    const tids = await Promise.race([Promise.all(ready), this.failed]);
    yieldOtherThreads(tids.filter((tid): tid is number => tid !== undefined));
  }

  /** Copies the model's weights and the optimizer's state into shared memory. */
  load(weights: Float32Array[], state: OptimizerState): void {
    const offsets = this.memory.offsets();
    weights.forEach((w, i) => this.memory.weights.set(w, offsets[i]));
    for (const [slot, view] of Object.entries(this.memory.slots)) state.slots[slot].forEach((s, i) => view.set(s, offsets[i]));
    this.updates = state.step;
  }

  /** Each parameter's current values (copies, in flatParams order). */
  weights(): Float32Array[] {
    return this.split(this.memory.weights);
  }

  optimizerState(name: OptimizerState['name']): OptimizerState {
    return { name, step: this.updates, slots: Object.fromEntries(Object.entries(this.memory.slots).map(([slot, view]) => [slot, this.split(view)])) };
  }

  private split(flat: Float32Array): Float32Array[] {
    const offsets = this.memory.offsets();
    return this.options.shapes.map((_, i) => flat.slice(offsets[i], offsets[i + 1] ?? this.memory.parameters));
  }

  /** Runs one planned epoch on the workers; resolves when every step is done. */
  async runEpoch(work: EpochWork): Promise<void> {
    const { control } = this.memory;
    if (this.failure) throw this.failure;
    this.memory.timings.fill(0);
    control[CONTROL.batches] = work.batches;
    control[CONTROL.batchSize] = work.batchSize;
    control[CONTROL.samples] = work.samples;
    control[CONTROL.optimizerStep] = this.updates;
    Atomics.store(control, CONTROL.stepsDone, 0);
    const epochsDone = Atomics.load(control, CONTROL.epochsDone);
    Atomics.add(control, CONTROL.epoch, 1);
    Atomics.notify(control, CONTROL.epoch);
    if (work.onStep) {
      // Woken after every step, to report progress while the workers go on.
      let reported = 0;
      while (reported < work.batches) {
        const done = Atomics.load(control, CONTROL.stepsDone);
        for (; reported < done; reported++) work.onStep(reported);
        if (reported < work.batches) await this.waitWhile(CONTROL.stepsDone, done);
      }
    }
    // Sleep until the epoch is done (without progress to report: from the start, leaving the cores to the workers).
    while (Atomics.load(control, CONTROL.epochsDone) === epochsDone) await this.waitWhile(CONTROL.epochsDone, epochsDone);
    if (this.failure) throw this.failure;
    this.updates += work.batches;
  }

  /** Resolves once control[index] is no longer `value`, or rejects when a worker fails. */
  private async waitWhile(index: number, value: number): Promise<void> {
    const wait = waitAsync(this.memory.control, index, value);
    if (wait.async) await Promise.race([wait.value, this.failed]);
  }

  /** Milliseconds each worker spent computing, exchanging, updating and waiting in the last epoch. */
  timings(): WorkerTiming[] {
    const n = TIMING_FIELDS.length;
    return Array.from({ length: this.options.workers }, (_, k) =>
      Object.fromEntries(TIMING_FIELDS.map((f) => [f, this.memory.timings[k * n + TIMING[f]]])) as WorkerTiming);
  }

  /** The bytes each worker's tfjs backend held at the end of the last epoch. */
  backendBytes(): number[] {
    return Array.from(this.memory.backendBytes);
  }

  /** Ends the workers' loop and waits for them to exit. */
  async close(): Promise<void> {
    if (this.failure) return;
    this.closing = true;
    const { control } = this.memory;
    Atomics.store(control, CONTROL.stop, 1);
    Atomics.add(control, CONTROL.epoch, 1);
    Atomics.notify(control, CONTROL.epoch);
    await Promise.all(this.threads.map((t) => new Promise((resolve) => (t.threadId === -1 ? resolve(null) : t.once('exit', resolve)))));
  }

  private async terminate(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
