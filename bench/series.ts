import { cpus } from 'node:os';
import { describeError } from '@mnist-onnx/mnist/node';
import { BackendUnavailableError } from '@mnist-onnx/train';
import { floorFraction, median, type Measurement } from './figures.js';
import { floorFor, type MatmulFloor } from './matmul-floor.js';
import type { Row } from './report.js';

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Node's wasm backend is single-threaded, and so is the cpu backend; webgpu's threads are the adapter's. */
export const tfjsThreads = (backend: string): number => (backend === 'wasm' || backend === 'cpu' ? 1 : cpus().length);

export const threadsLabel = (threads: number): string => `${threads} thread${threads > 1 ? 's' : ''}`;

/** Keeps one series of measurements per system, in the order systems were first seen. */
export class Series {
  private readonly data = new Map<string, { system: string; threads: number; values: Measurement[]; notes: Set<string> }>();

  add(system: string, threads: number, m: Measurement, notes: string[] = []): void {
    const key = `${system} × ${threads}`;
    const entry = this.data.get(key) ?? { system, threads, values: [], notes: new Set<string>() };
    entry.values.push(m);
    notes.forEach((n) => entry.notes.add(n));
    this.data.set(key, entry);
  }

  /** Rows sorted by thread count, then in the order the systems were measured. */
  rows(flopsPerSample: number, floor: MatmulFloor, reference: (threads: number) => number | undefined): Row[] {
    return [...this.data.values()].sort((a, b) => a.threads - b.threads).map(({ system, ...e }) => {
      const perSecond = median(e.values.map((v) => v.perSecond));
      const ref = reference(e.threads);
      return {
        system,
        threads: e.threads,
        perSecond,
        rounds: e.values.map((v) => v.perSecond),
        ...(ref !== undefined && !system.startsWith('PyTorch') ? { ratioVsPytorch: perSecond / ref } : {}),
        floorFraction: floorFraction(perSecond, flopsPerSample, floorFor(floor, e.threads)),
        notes: [...e.notes],
      };
    });
  }

  pytorch(threads: number): number | undefined {
    const entry = [...this.data.values()].find((e) => e.system.startsWith('PyTorch') && e.threads === threads);
    return entry ? median(entry.values.map((v) => v.perSecond)) : undefined;
  }
}

/**
 * A tfjs backend that cannot start is left out with its reason; one that starts and then
 * fails is left out too, so the other figures still come out, but the bench exits 1.
 */
export class Problems {
  readonly notes: string[] = [];
  failed = false;

  report(what: string, error: unknown): void {
    const unavailable = error instanceof BackendUnavailableError;
    const message = describeError(error);
    this.failed ||= !unavailable;
    this.notes.push(`${what} ${unavailable ? 'not available' : 'FAILED'}: ${message}`);
    log(`${what} ${unavailable ? 'skipped' : 'failed'}: ${message}`);
  }
}

/** Floor fractions need the final floor (the larger of two measurements), so rows come last. */
export type Pending<T> = (floor: MatmulFloor) => T;

