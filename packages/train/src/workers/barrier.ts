import { CONTROL } from './shared-memory.js';

/**
 * Blocks until all `parties` workers have arrived. The last to arrive runs `onRelease` first
 * (everything the others wrote before arriving is visible to it), then wakes the rest.
 * Workers sleep in Atomics.wait rather than spin: on a machine with as many workers as cores,
 * a spinning waiter would take the core a slower worker needs.
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
  while (Atomics.load(control, CONTROL.generation) === generation) Atomics.wait(control, CONTROL.generation, generation);
}
