import type { BrowserContext, Page } from 'playwright-core';

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute'];

/** Records a Chromium trace (the DevTools timeline categories) while `action` runs. */
export async function traceDuring(context: BrowserContext, page: Page, action: () => Promise<void>): Promise<Buffer> {
  const cdp = await context.newCDPSession(page);
  try {
    const events: unknown[] = [];
    cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => events.push(...e.value));
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { categories: CATEGORIES.join(','), transferMode: 'ReportEvents' });
    await action();
    await cdp.send('Tracing.end');
    await complete;
    return Buffer.from(JSON.stringify({ traceEvents: events }));
  } finally {
    await cdp.detach();
  }
}

/** The browser's own rendering steps after a frame's script: style, layout, paint, compositing. */
const RENDERING = new Set(['UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'UpdateLayer', 'CompositeLayers', 'HitTest']);

/** Milliseconds of rendering work per move on the page's main thread (see frameCosts). */
export function renderingPerFrame(trace: Buffer, moves: number): number {
  return frameCosts(trace, moves).reduce((sum, [name, ms]) => sum + (RENDERING.has(name) ? ms : 0), 0);
}

/** A Chromium trace event, as far as this file reads it. */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * Milliseconds per live prediction spent by the page's renderer main thread, by kind of work,
 * between the first and the last animation frame, divided by `moves`. Chromium wraps each task
 * in a RunTask event: the work inside it (animation-frame callbacks, pointer-event dispatch,
 * microtasks, style, layout, paint, …) is counted by its name, and what a task spends outside
 * those as "task overhead". Work nested deeper counts in its parent. The main thread is the
 * renderer thread with the most animation frames.
 */
export function frameCosts(trace: Buffer, moves: number): [string, number][] {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const rendererThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const frames = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name === 'FireAnimationFrame' && rendererThreads.has(key)) frames.set(key, (frames.get(key) ?? 0) + 1);
  }
  const main = [...frames.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) return [];
  const complete = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const animationFrames = complete.filter((e) => e.name === 'FireAnimationFrame');
  const from = animationFrames[0].ts;
  const to = animationFrames[animationFrames.length - 1].ts + animationFrames[animationFrames.length - 1].dur!;
  const totals = new Map<string, number>();
  const add = (name: string, us: number) => totals.set(name, (totals.get(name) ?? 0) + us / 1000);
  // Events ending before `taskEnd` lie inside the current RunTask; `childEnd` closes its child.
  let taskEnd = -Infinity;
  let childEnd = -Infinity;
  for (const e of complete) {
    if (e.ts < from || e.ts > to) continue;
    const end = e.ts + e.dur!;
    if (e.name === 'RunTask' && e.ts >= taskEnd) {
      taskEnd = end;
      add('task overhead', e.dur!);
    } else if (e.ts < taskEnd && e.ts >= childEnd) {
      childEnd = end;
      add(e.name, e.dur!);
      add('task overhead', -e.dur!);
    } else if (e.ts >= taskEnd && e.ts >= childEnd) {
      childEnd = end;
      add(e.name, e.dur!);
    }
  }
  const rows = [...totals.entries()].map(([name, ms]): [string, number] => [name, ms / moves]).filter(([, ms]) => ms >= 0.005).sort((a, b) => b[1] - a[1]);
  const all = rows.reduce((sum, [, ms]) => sum + ms, 0);
  return [...rows, ['all of the above', all]];
}
