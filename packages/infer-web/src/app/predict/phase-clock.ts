/** The steps of one live prediction, in order. */
export const PHASES = ['image', 'preprocess', 'model', 'show'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Times one live prediction step by step: `image` reads the drawing off the model's canvas,
 * `preprocess` turns it into MNIST's 28×28, `model` is onnxruntime's run (with its input and
 * output copies), `show` updates the panel. Rendering that panel happens after the task, in the
 * browser's frame; the bench measures that part from a Chromium trace.
 */
export class PhaseClock {
  readonly #started = performance.now();
  #last = this.#started;
  readonly times: Partial<Record<Phase, number>> = {};

  lap(phase: Phase): void {
    const now = performance.now();
    this.times[phase] = now - this.#last;
    this.#last = now;
  }

  get totalMs(): number {
    return this.#last - this.#started;
  }
}
