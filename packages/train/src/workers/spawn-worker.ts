import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker-main.ts', import.meta.url);

/**
 * Starts worker-main.ts in a thread. The sources are TypeScript, run through tsx; Node 20 does
 * not carry the main thread's loader hooks (nor an `--import` in `execArgv`) into workers, so a
 * one-line ESM entry registers tsx's hooks in the thread, then imports the real entry.
 */
export function spawnWorker(workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(ENTRY.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}
