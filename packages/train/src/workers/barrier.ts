import { CONTROL } from './shared-memory.js';

/**
 * How long a waiter polls before it sleeps. A thread woken from Atomics.wait resumes ~30 µs
 * after the notify on this VM (median of 3,000 round trips), and two barriers a step put that
 * on the critical path twice; most arrivals are that close. Over 8 alternating rounds at batch
 * 200, 2 workers ÷ 1 was a median of 1.61× polling up to 0.15 ms against 1.58× without. Longer
 * polls (0.4 and 5 ms) measured the same as 0.15–0.2: the longer waits are a worker whose core
 * another thread had, which no waiting strategy shortens (thread-priority.ts; bench/NOTES.md).
 */
const SPIN_MS = 0.2;

/**
 * Blocks until all `parties` workers have arrived. The last to arrive runs `onRelease` first
 * (everything the others wrote before arriving is visible to it), then wakes the rest.
 * Workers poll only briefly, then sleep in Atomics.wait: on a machine with as many workers as
 * cores, a spinning waiter would take the core a slower worker (or V8's collector) needs.
 */
export function arriveAndWait(control: Int32Array, parties: number, onRelease?: () => void): void {
  const generation = Atomics.load(control, CONTROL.generation);
  if (Atomics.add(control, CONTROL.arrived, 1) === parties - 1) {
    Atomics.store(control, CONTROL.arrived, 0);
    onRelease?.();
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    return;
  }
  const spinUntil = performance.now() + SPIN_MS;
  while (Atomics.load(control, CONTROL.generation) === generation && performance.now() < spinUntil);
  while (Atomics.load(control, CONTROL.generation) === generation) Atomics.wait(control, CONTROL.generation, generation);
}
