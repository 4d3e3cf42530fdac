import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest priority a thread can have (the largest nice value). */
export const BACKGROUND_NICE = 19;

/** This thread's id in the OS (/proc/thread-self links to `<pid>/task/<tid>`), or undefined off Linux. */
export function osThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return undefined;
  }
}

/**
 * Gives the training threads the cores: every other thread this process has when it is called
 * (V8's platform threads, libuv's pool if started) drops to nice 19, and the process's main
 * thread, the calling thread and `keep` (the workers) stay as they are. With as many workers as cores, V8's platform threads
 * (garbage-collection helpers, concurrent marking, compilation: ~140 ms/s while 2 workers
 * train) took a worker's core in about one step in ten, for 2–4 ms, and the other worker waited
 * at the barrier; per-step schedstat put those stalls in the run queue. At nice 19 that work runs
 * in the workers' idle moments instead: 2 workers ÷ 1 at batch 200 went from a median of 1.55–1.58×
 * to 1.62–1.64× over 12 alternating rounds (bench/NOTES.md). Linux lets a process lower its own
 * threads' priority but not raise it back without privilege, so this lasts as long as the process.
 * Where there is no /proc (macOS, Windows), nothing changes.
 */
export function yieldOtherThreads(keep: readonly number[]): void {
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    return;
  }
  const kept = new Set([process.pid, osThreadId(), ...keep]);
  for (const tid of tids) {
    if (kept.has(tid)) continue;
    try {
      setPriority(tid, BACKGROUND_NICE);
    } catch {
      // The thread ended between the listing and now.
    }
  }
}
