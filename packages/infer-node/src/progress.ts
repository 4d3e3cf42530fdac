import { SingleBar } from 'cli-progress';

/** Receives progress as images are classified. */
export type ProgressCallback = (done: number, total: number) => void;

export interface ProgressReporter {
  update: ProgressCallback;
  stop(): void;
}

/**
 * A cli-progress bar when `stream` is a terminal; otherwise a plain line every few seconds,
 * so logs stay readable and short runs print nothing at all.
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr, intervalMs = 5000): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} images | {rate} images/s | ETA {eta_formatted}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: true,
    });
    let started = false;
    const t0 = Date.now();
    let last = 0;
    return {
      update(done, total) {
        const now = Date.now();
        if (!started) {
          bar.start(total, 0, { rate: 0 });
          started = true;
        } else if (now - last < 100 && done < total) {
          return; // the bar redraws at 10 fps anyway; updating per batch only costs time
        }
        last = now;
        const seconds = (now - t0) / 1000;
        bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : 0 });
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < intervalMs || done >= total) return;
      last = now;
      stream.write(`${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} images (${Math.floor((100 * done) / total)}%)\n`);
    },
    stop() {},
  };
}
