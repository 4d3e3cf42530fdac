/**
 * Gives the page a turn (input, rendering, a live prediction) between training steps. A
 * MessageChannel task, not setTimeout(0), which browsers clamp to 4 ms once nested.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Yields once `sliceMs` of work has gone by since the last yield; cheap to call after every step. */
export class TimeSlicer {
  #since = performance.now();

  constructor(private readonly sliceMs = 25) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.#since < this.sliceMs) return;
    await yieldToPage();
    this.#since = performance.now();
  }
}
