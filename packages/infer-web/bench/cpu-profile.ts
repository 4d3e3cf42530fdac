import type { CDPSession } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Starts V8's sampling profiler at a 100 µs interval; the returned function stops it and sums self time by function. */
export async function startCpuProfile(cdp: CDPSession): Promise<(divideBy: number) => Promise<[string, number][]>> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return async (divideBy) => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const file = frame.url.split('/').pop() ?? '';
      const name = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
      self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    return [...self.entries()].map(([name, ms]): [string, number] => [name, ms / divideBy]).filter(([name]) => !/^\(idle\)|^\(program\)$/.test(name)).sort((a, b) => b[1] - a[1]).slice(0, 25);
  };
}
