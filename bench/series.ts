import { cpus } from 'node:os';
import { describeError } from '@mnist-onnx/mnist/node';
import { BackendUnavailableError } from '@mnist-onnx/train';
import { fastest, median, peakFraction, type AtThreads, type Measurement } from './figures.js';
import { peakFor, type MatmulPeak } from './matmul-peak.js';
import type { Row } from './report.js';

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Node's wasm backend is single-threaded, and so is the cpu backend; webgpu's threads are the adapter's. */
export const tfjsThreads = (backend: string): number => (backend === 'wasm' || backend === 'cpu' ? 1 : cpus().length);

export const threadsLabel = (threads: number): string => `${threads} thread${threads > 1 ? 's' : ''}`;

/**
 * Keeps one series of measurements per system and thread count, in the order systems were
 * first seen, and compares each with the reference system at its fastest thread count.
 */
export class Series {
  private readonly data = new Map<string, { system: string; threads: number; values: Measurement[]; notes: Set<string> }>();

  /** `reference`: the system name whose fastest thread count every other row is divided by. */
  constructor(private readonly reference: string) {}

  add(system: string, threads: number, m: Measurement, notes: string[] = []): void {
    const key = `${system} × ${threads}`;
    const entry = this.data.get(key) ?? { system, threads, values: [], notes: new Set<string>() };
    entry.values.push(m);
    notes.forEach((n) => entry.notes.add(n));
    this.data.set(key, entry);
  }

  /** The reference's fastest thread count and its median there; undefined when it was not measured. */
  best(): AtThreads | undefined {
    const figures = [...this.data.values()].filter((e) => e.system === this.reference)
      .map((e) => ({ threads: e.threads, perSecond: median(e.values.map((v) => v.perSecond)) }));
    return fastest(figures);
  }

  /** Rows sorted by thread count, then in the order the systems were measured. */
  rows(flopsPerSample: number, peak: MatmulPeak): Row[] {
    const best = this.best();
    return [...this.data.values()].sort((a, b) => a.threads - b.threads).map(({ system, ...e }) => {
      const perSecond = median(e.values.map((v) => v.perSecond));
      const isReference = system === this.reference;
      return {
        system,
        threads: e.threads,
        perSecond,
        rounds: e.values.map((v) => v.perSecond),
        ...(best ? { ratioVsPytorchBest: perSecond / best.perSecond } : {}),
        ...(isReference ? { isPytorchBest: best?.threads === e.threads } : {}),
        peakFraction: peakFraction(perSecond, flopsPerSample, peakFor(peak, e.threads)),
        notes: [...e.notes],
      };
    });
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

/** Peak fractions need the final peak (the larger of two measurements), so rows come last. */
export type Pending<T> = (peak: MatmulPeak) => T;
