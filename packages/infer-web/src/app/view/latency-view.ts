import { PHASES, type Phase, type PhaseClock } from '../predict/phase-clock.js';
import { byId } from './dom.js';

/** How many recent predictions the medians cover: one slow frame does not make the figure jump. */
const WINDOW = 50;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The "Time" line of the prediction panel: the last prediction's time and the median of the
 * recent ones. The figures also go into data-* attributes (ms, 3 decimals), which the bench reads:
 * data-last-ms, data-median-ms, data-count, and data-phases-ms, the median of each step.
 */
export class LatencyView {
  readonly #element = byId('latency');
  readonly #totals: number[] = [];
  readonly #phases = new Map<Phase, number[]>(PHASES.map((phase) => [phase, []]));

  record(clock: PhaseClock): void {
    const ms = clock.totalMs;
    push(this.#totals, ms);
    for (const phase of PHASES) push(this.#phases.get(phase)!, clock.times[phase] ?? 0);
    const middle = median(this.#totals);
    const element = this.#element;
    element.textContent = `${ms.toFixed(1)} ms (median ${middle.toFixed(1)} ms of ${this.#totals.length})`;
    element.dataset.lastMs = ms.toFixed(3);
    element.dataset.medianMs = middle.toFixed(3);
    element.dataset.count = String(this.#totals.length);
    element.dataset.phasesMs = JSON.stringify(Object.fromEntries(PHASES.map((phase) => [phase, Number(median(this.#phases.get(phase)!).toFixed(3))])));
  }
}

function push(window: number[], value: number): void {
  window.push(value);
  if (window.length > WINDOW) window.shift();
}
