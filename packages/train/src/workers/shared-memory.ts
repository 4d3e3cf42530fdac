import type { BatchTables } from '../host-batches.js';

/** Slots of the control array (Int32, shared by main and every worker). */
export const CONTROL = {
  /** Bumped by main to start an epoch (or, with `stop` set, to end the workers' loop). */
  epoch: 0,
  stop: 1,
  /** The workers' barrier: how many arrived, and its generation (bumped on release). */
  arrived: 2,
  generation: 3,
  /** Steps of the current epoch every worker has finished (main waits on it). */
  stepsDone: 4,
  /** The epoch's plan: steps, batch size, samples in the shuffled order, updates so far. */
  batches: 5,
  batchSize: 6,
  samples: 7,
  optimizerStep: 8,
  /** Epochs the workers have finished: main sleeps on it when it wants no per-step progress. */
  epochsDone: 9,
} as const;
const CONTROL_LENGTH = 10;

/**
 * What each worker accumulates per epoch, in milliseconds (Float64, 5 per worker): wall time in
 * each part of a step, and the CPU time its thread got (Linux; 0 elsewhere), which tells a
 * worker that was starved by other processes from one that was slow.
 */
export const TIMING = { compute: 0, exchange: 1, update: 2, wait: 3, cpu: 4 } as const;
export const TIMING_FIELDS = Object.keys(TIMING) as (keyof typeof TIMING)[];

/** The sizes every buffer is made for; sent to each worker with the buffers. */
export interface PoolLayout {
  workers: number;
  /** Each parameter's shape, in flatParams order (kernel₁, bias₁, …). */
  shapes: number[][];
  /** Optimizer state slots (momentum, or m and v). */
  slots: string[];
  /** Training samples (the largest epoch order). */
  samples: number;
  /** Steps per epoch. */
  batches: number;
}

/** The SharedArrayBuffers themselves: what crosses to a worker (postMessage shares, not copies, them). */
export interface PoolBuffers {
  control: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  slots: Record<string, SharedArrayBuffer>;
  /** One full gradient per worker. */
  gradients: SharedArrayBuffer;
  order: SharedArrayBuffer;
  shifts: SharedArrayBuffer;
  learningRates: SharedArrayBuffer;
  /** Per step and worker: the shard's loss (its part of the batch mean) and its correct predictions. */
  stepLoss: SharedArrayBuffer;
  stepHits: SharedArrayBuffer;
  timings: SharedArrayBuffer;
  /** Per worker: the bytes its tfjs backend holds at the end of the last epoch (a leak shows here). */
  backendBytes: SharedArrayBuffer;
  tables: BatchTables;
}

/**
 * Floats in a 64-byte cache line: each worker's slice of the parameters and its gradient vector
 * begin on one. Node copies between a SharedArrayBuffer and a worker's wasm heap several times
 * slower when the two are not equally aligned: a slice starting 4 bytes off a line made the
 * second worker's upload of its 100k gradients 0.21 ms instead of 0.035 every step, and the
 * first one waited for it (bench/NOTES.md). On line boundaries, no two workers ever write into
 * one cache line either.
 */
export const LINE_FLOATS = 16;

/** `floats` rounded up to whole cache lines. */
const wholeLines = (floats: number) => Math.ceil(floats / LINE_FLOATS) * LINE_FLOATS;

export const parameterCount = (shapes: number[][]) => shapes.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);

/** Typed views of the pool's shared memory, the same in main and in every worker. */
export class PoolMemory {
  readonly control: Int32Array;
  readonly weights: Float32Array;
  readonly slots: Record<string, Float32Array>;
  readonly gradients: Float32Array[];
  readonly order: Int32Array;
  readonly shifts: Int8Array;
  readonly learningRates: Float64Array;
  readonly stepLoss: Float32Array;
  readonly stepHits: Int32Array;
  readonly timings: Float64Array;
  readonly backendBytes: Float64Array;
  readonly parameters: number;

  constructor(readonly layout: PoolLayout, readonly buffers: PoolBuffers) {
    const p = parameterCount(layout.shapes);
    this.parameters = p;
    this.control = new Int32Array(buffers.control);
    this.weights = new Float32Array(buffers.weights);
    this.slots = Object.fromEntries(layout.slots.map((name) => [name, new Float32Array(buffers.slots[name])]));
    this.gradients = Array.from({ length: layout.workers }, (_, k) => new Float32Array(buffers.gradients, 4 * k * wholeLines(p), p));
    this.order = new Int32Array(buffers.order);
    this.shifts = new Int8Array(buffers.shifts);
    this.learningRates = new Float64Array(buffers.learningRates);
    this.stepLoss = new Float32Array(buffers.stepLoss);
    this.stepHits = new Int32Array(buffers.stepHits);
    this.timings = new Float64Array(buffers.timings);
    this.backendBytes = new Float64Array(buffers.backendBytes);
  }

  static allocate(layout: PoolLayout, tables: BatchTables): PoolMemory {
    const p = parameterCount(layout.shapes);
    const { workers, samples, batches } = layout;
    const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
    return new PoolMemory(layout, {
      control: shared(4 * CONTROL_LENGTH),
      weights: shared(4 * p),
      slots: Object.fromEntries(layout.slots.map((name) => [name, shared(4 * p)])),
      gradients: shared(4 * wholeLines(p) * workers),
      order: shared(4 * samples),
      shifts: shared(2 * samples),
      learningRates: shared(8 * batches),
      stepLoss: shared(4 * batches * workers),
      stepHits: shared(4 * batches * workers),
      timings: shared(8 * TIMING_FIELDS.length * workers),
      backendBytes: shared(8 * workers),
      tables,
    });
  }

  /** Offset of each parameter in the flat vectors. */
  offsets(): number[] {
    let offset = 0;
    return this.layout.shapes.map((s) => {
      const at = offset;
      offset += s.reduce((a, b) => a * b, 1);
      return at;
    });
  }
}

/**
 * Worker k's rows of a batch of `size`: a contiguous, deterministic split, sizes differing by
 * at most one. A shard may be empty when the batch has fewer rows than there are workers.
 */
export function shardRows(size: number, workers: number, k: number): [number, number] {
  return [Math.floor((k * size) / workers), Math.floor(((k + 1) * size) / workers)];
}

/**
 * Worker k's slice of the flat parameters, which it sums the gradients of and updates: a
 * contiguous split as even as the alignment allows. The update is elementwise, so where the
 * cuts fall changes no result, only who computes it.
 */
export function parameterSlice(parameters: number, workers: number, k: number): [number, number] {
  const cut = (i: number) => (i === workers ? parameters : Math.min(parameters, Math.round((i * parameters) / workers / LINE_FLOATS) * LINE_FLOATS));
  return [cut(k), cut(k + 1)];
}
