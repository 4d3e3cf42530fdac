import { describe, expect, it } from 'vitest';
import { LINE_FLOATS, parameterSlice, PoolMemory, shardRows } from '../src/workers/shared-memory.js';
import { AUTO_MIN_SAMPLES, checkWorkerRequest, MIN_ROWS_PER_WORKER, parseWorkerFlag, resolveWorkerCount } from '../src/workers/worker-count.js';

const query = { batchSize: 8 * MIN_ROWS_PER_WORKER, samples: 2 * AUTO_MIN_SAMPLES, flag: '--workers', cores: 8 };

describe('how many worker threads train', () => {
  it(`auto: up to the cores on wasm and cpu, with at least ${MIN_ROWS_PER_WORKER} rows each`, () => {
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'wasm', batchSize: 8 * MIN_ROWS_PER_WORKER })).toEqual({
      count: 8, reason: `8 worker threads (auto: 8 cores, at least ${MIN_ROWS_PER_WORKER} rows of each batch apiece)`,
    });
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'wasm', batchSize: 3 * MIN_ROWS_PER_WORKER + 1 }).count).toBe(3);
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'cpu', batchSize: 8 * MIN_ROWS_PER_WORKER, cores: 2 }).count).toBe(2);
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'wasm', batchSize: 2 * MIN_ROWS_PER_WORKER - 1 })).toEqual({
      count: 0, reason: `main thread (auto: batch ${2 * MIN_ROWS_PER_WORKER - 1} gives 2 workers fewer than ${MIN_ROWS_PER_WORKER} rows each)`,
    });
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'wasm', batchSize: 8 * MIN_ROWS_PER_WORKER, cores: 1 })).toEqual({ count: 0, reason: 'main thread (auto: 1 core)' });
  });

  it('auto: a run too short to win back the workers\' start-up stays in the main thread', () => {
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'wasm', samples: 80_040 })).toEqual({
      count: 0, reason: 'main thread (auto: 80,040 samples to train, under the 200,000 that repay the workers\' start-up)',
    });
    expect(resolveWorkerCount({ ...query, request: 'auto', backend: 'wasm', samples: AUTO_MIN_SAMPLES - 1 }).count).toBe(0);
  });

  it('GPU backends and libtensorflow keep one process: auto picks no workers, N > 1 is refused', () => {
    for (const backend of ['webgpu', 'tensorflow']) {
      expect(resolveWorkerCount({ ...query, request: 'auto', backend })).toEqual({ count: 0, reason: `main thread (auto: the ${backend} backend trains in one process)` });
      expect(resolveWorkerCount({ ...query, request: 1, backend }).count).toBe(0);
      expect(() => resolveWorkerCount({ ...query, request: 2, backend })).toThrow(
        `--workers 2: the ${backend} backend trains in one process; worker threads run wasm or cpu (use --backend wasm, or --workers 1)`);
    }
  });

  it('an explicit count is taken as given on wasm and cpu', () => {
    expect(resolveWorkerCount({ ...query, request: 3, backend: 'wasm', cores: 2 })).toEqual({ count: 3, reason: '3 worker threads (--workers 3)' });
    expect(resolveWorkerCount({ ...query, request: 1, backend: 'cpu' })).toEqual({ count: 1, reason: '1 worker thread (--workers 1)' });
  });

  it('the flag takes auto or N ≥ 1; the API also takes 0 (main thread alone)', () => {
    expect(parseWorkerFlag('auto', '--workers')).toBe('auto');
    expect(parseWorkerFlag('4', '--workers')).toBe(4);
    for (const bad of ['0', '-2', '1.5', 'x', '']) expect(() => parseWorkerFlag(bad, '--workers')).toThrow(`--workers: must be a positive integer or auto, got "${bad}"`);
    expect(checkWorkerRequest(0, '--workers')).toBe(0);
    expect(() => checkWorkerRequest(2.5, '--workers')).toThrow('--workers: must be a whole number or auto, got 2.5');
  });
});

describe('splitting the work', () => {
  const expectContiguousCover = (parts: [number, number][], size: number) => {
    expect(parts[0][0]).toBe(0);
    expect(parts.at(-1)![1]).toBe(size);
    parts.slice(1).forEach(([from], k) => expect(from).toBe(parts[k][1]));
  };

  it('each batch row belongs to exactly one worker, in order, sizes within one', () => {
    for (const [size, workers] of [[200, 2], [50, 3], [1, 2], [7, 7], [199_210, 3]]) {
      const parts = Array.from({ length: workers }, (_, k) => shardRows(size, workers, k));
      expectContiguousCover(parts, size);
      const sizes = parts.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('each parameter belongs to exactly one worker, slices start on a cache line, sizes within one line', () => {
    for (const [size, workers] of [[199_210, 2], [199_210, 3], [199_210, 16], [1_000, 7], [100, 2]]) {
      const parts = Array.from({ length: workers }, (_, k) => parameterSlice(size, workers, k));
      expectContiguousCover(parts, size);
      parts.forEach(([from]) => expect(from % LINE_FLOATS).toBe(0));
      const sizes = parts.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(LINE_FLOATS);
    }
    // The model's 199,210 parameters over 2 workers: the cut is the line nearest the middle (99,605).
    expect(parameterSlice(199_210, 2, 0)).toEqual([0, 99_600]);
  });

  it("each worker's gradient vector begins on a cache line of the shared memory", () => {
    const tables = { count: 1, maxShift: 0, images: new Float32Array(784), targets: new Float32Array(10), labels: new Uint8Array(1) };
    const memory = PoolMemory.allocate({ workers: 3, shapes: [[784, 200], [200], [200, 10], [10]], slots: ['m', 'v'], samples: 1, batches: 1 }, tables);
    expect(memory.gradients.map((g) => g.byteOffset % (4 * LINE_FLOATS))).toEqual([0, 0, 0]);
    expect(memory.gradients.every((g) => g.length === memory.parameters)).toBe(true);
  });
});
