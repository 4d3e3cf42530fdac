import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE, osThreadId, yieldOtherThreads } from '../src/workers/thread-priority.js';

const HAS_PROC = existsSync('/proc/self/task');

/** Each thread's nice value, from /proc/self/task/<tid>/stat (field 19, counted after the name). */
function niceByThread(): Map<number, number> {
  return new Map(readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(tid), Number(fields[16])] as const;
  }));
}

/** A worker thread that reports its OS thread id, then idles until terminated. */
async function idleWorker(): Promise<{ worker: Worker; tid: number }> {
  const worker = new Worker(
    "const { parentPort } = require('node:worker_threads'); const { readlinkSync } = require('node:fs');" +
    "parentPort.postMessage(Number(readlinkSync('/proc/thread-self').split('/').pop())); setInterval(() => {}, 1000);",
    { eval: true });
  const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { worker, tid };
}

describe('the training threads get the cores', () => {
  it(HAS_PROC
    ? 'every other thread of the process drops to nice 19; main, the caller and the kept workers stay'
    : 'without /proc (macOS, Windows) nothing changes and nothing throws', async () => {
    if (!HAS_PROC) {
      expect(osThreadId()).toBeUndefined();
      expect(() => yieldOtherThreads([])).not.toThrow();
      return;
    }
    const { worker, tid } = await idleWorker();
    try {
      const before = niceByThread();
      yieldOtherThreads([tid]);
      const after = niceByThread();
      const kept = new Set([process.pid, osThreadId()!, tid]);
      expect(after.get(process.pid)).toBe(before.get(process.pid));
      expect(after.get(tid)).toBe(before.get(tid));
      const others = [...before.keys()].filter((t) => !kept.has(t) && after.has(t));
      // V8's platform threads are always there: without them this test would check nothing.
      expect(others.length).toBeGreaterThan(0);
      for (const t of others) expect(after.get(t)).toBe(BACKGROUND_NICE);
    } finally {
      await worker.terminate();
    }
  });
});
