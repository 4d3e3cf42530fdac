/**
 * Runs an async task at most once per animation frame, however often it is requested, and
 * never twice at once: requests that arrive while it runs fold into one more run afterwards.
 */
export class FrameScheduler {
  readonly #task: () => Promise<void>;
  #frameRequested = false;
  #running = false;
  #again = false;

  constructor(task: () => Promise<void>) {
    this.#task = task;
  }

  request(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#frameRequested) return;
    this.#frameRequested = true;
    requestAnimationFrame(() => void this.#run());
  }

  async #run(): Promise<void> {
    this.#frameRequested = false;
    this.#running = true;
    try {
      await this.#task();
    } finally {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    }
  }
}
