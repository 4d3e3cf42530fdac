import type { WorkerScaling } from './bench-workers.js';
import { median } from './figures.js';
import { formatRatio, formatRate, formatTable, formatWithRange } from './table.js';

const who = (system: string, workers: number) =>
  system.startsWith('PyTorch') ? `${system}, ${workers} thread${workers > 1 ? 's' : ''}` : workers === 0 ? `${system}, main thread alone` : `${system}, ${workers} worker${workers > 1 ? 's' : ''}`;
const ms = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
/** The share of a step's wall time the worker's thread was on a CPU (other processes take the rest). */
function cpuShare(t: WorkerScaling['rows'][number]['perStep']): string {
  if (!t || !(t.cpu > 0)) return '—';
  return `${Math.round((100 * t.cpu) / (t.compute + t.exchange + t.update + t.wait))}%`;
}

/**
 * What the cores give independent copies with nothing to share: the reference for the "× 1
 * worker" column. Not a bound: the workers' process lowers V8's background threads, which
 * independent processes do not (packages/train/src/workers/thread-priority.ts).
 */
export function ceilingLine(rounds: NonNullable<WorkerScaling['ceiling']>): string {
  const ratio = median(rounds.map((c) => c.ratio));
  const { copies } = rounds[0]!;
  return `${copies} independent processes at once train ${formatRate(median(rounds.map((c) => c.together)))} samples/s in all, ${ratio.toFixed(2)}× one alone`
    + ` (range ${Math.min(...rounds.map((c) => c.ratio)).toFixed(2)}–${Math.max(...rounds.map((c) => c.ratio)).toFixed(2)}): what the cores give copies that share nothing`;
}

/** The terminal tables: per batch size, samples/s by worker count, the ratios, and where a step's time goes. */
export function formatWorkerScaling(scaling: WorkerScaling[], rounds: number): string {
  const out: string[] = [];
  const spread = rounds > 1 ? ` (range over ${rounds} rounds)` : '';
  for (const s of scaling) {
    out.push('', `Training on worker threads, ${s.description} — samples/s; load average ${s.load[0].toFixed(2)} → ${s.load[1].toFixed(2)}`);
    out.push(formatTable(
      ['system', `samples/s${spread}`, '× 1 worker', '× PyTorch fastest', 'compute ms/step', 'exchange', 'update', 'wait', 'on a CPU'],
      s.rows.map((r) => [who(r.system, r.workers), formatWithRange(r.perSecond, r.rounds), formatRatio(r.ratioVsOneWorker), formatRatio(r.ratioVsPytorchBest),
        ms(r.perStep?.compute), ms(r.perStep?.exchange), ms(r.perStep?.update), ms(r.perStep?.wait), cpuShare(r.perStep)]),
    ));
    if (s.ceiling?.length) out.push(ceilingLine(s.ceiling));
  }
  out.push('', 'per step, averaged over the workers: compute = batch rows and the fast path\'s forward and backward; exchange = the shared weights in and the gradient out;',
    'update = summing the workers\' gradients and the optimizer step, each worker on its own slice of the parameters; wait = at the two barriers of a step;',
    'on a CPU = the worker thread\'s CPU time ÷ its wall time (below 100% minus its waits, other processes had the core)');
  return out.join('\n');
}

/** The README's scaling table in markdown: samples/s by worker count (columns) and batch size (rows). */
export function workerScalingMarkdown(scaling: WorkerScaling[]): string {
  const counts = [...new Set(scaling.flatMap((s) => s.rows.filter((r) => !r.system.startsWith('PyTorch')).map((r) => r.workers)))].sort((a, b) => a - b);
  const label = (n: number) => (n === 0 ? 'main thread' : `${n} worker${n > 1 ? 's' : ''}`);
  const copies = scaling.find((s) => s.ceiling?.length)?.ceiling![0]!.copies;
  const headers = ['batch', ...counts.map(label), ...(copies ? [`${copies} independent processes at once`] : []), 'PyTorch at its fastest', 'best tfjs ÷ PyTorch'];
  const body = scaling.map((s) => {
    const tfjs = s.rows.filter((r) => !r.system.startsWith('PyTorch'));
    const cell = (n: number) => {
      const r = tfjs.find((x) => x.workers === n);
      return r ? `${Math.round(r.perSecond).toLocaleString('en-US')}${n > 1 && r.ratioVsOneWorker ? ` (${formatRatio(r.ratioVsOneWorker)})` : ''}` : '—';
    };
    const bestTfjs = Math.max(...tfjs.map((r) => r.perSecond));
    const torch = s.pytorchBest ? `${Math.round(s.pytorchBest.perSecond).toLocaleString('en-US')} (${s.pytorchBest.threads} thread${s.pytorchBest.threads > 1 ? 's' : ''})` : '—';
    const ceiling = s.ceiling?.length ? `${formatRatio(median(s.ceiling.map((c) => c.ratio)))} one alone` : '—';
    return [String(s.batchSize), ...counts.map(cell), ...(copies ? [ceiling] : []), torch, s.pytorchBest ? formatRatio(bestTfjs / s.pytorchBest.perSecond) : '—'];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...body.map(line)].join('\n');
}
