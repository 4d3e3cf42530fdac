/**
 * The README's tables in markdown, ready to paste: a heading that says when, where and how
 * they were measured, training against PyTorch at its fastest, and inference.
 */
import type { KernelChoice } from './kernel-choice.js';
import type { BenchResult, InferenceComparison, Row, TrainingComparison } from './report.js';
import { formatPercent, formatRate, formatRatio } from './table.js';

const threadsText = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;
const cells = (items: string[]) => `| ${items.join(' | ')} |`;
const table = (headers: string[], body: string[][]) =>
  [cells(headers), cells(headers.map(() => '---')), ...body.map(cells)].join('\n');

/** One line on the kernel PyTorch and the peak ran on, and why that one. */
export function kernelSummary(choice: KernelChoice): string {
  return `OpenBLAS kernel for PyTorch and the peak: ${choice.chosen.core ?? '(torch does not run on OpenBLAS)'} (${choice.reason})`;
}

function openblasVersion(config: string | null): string {
  return /OpenBLAS (\S+)/.exec(config ?? '')?.[1] ?? '';
}

function heading(result: BenchResult): string {
  const when = `${result.startedAt.slice(0, 10)} ${result.startedAt.slice(11, 16)} UTC`;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const m = result.machine;
  const chosen = result.openblas.chosen;
  const blas = chosen.core
    ? `OpenBLAS ${openblasVersion(chosen.config)} with its ${chosen.core} kernel (${result.openblas.reason})`
    : result.torchEnv.blas;
  const peak = Object.entries(result.peak.gflops).map(([t, g]) => `${g.toFixed(0)} GFLOP/s on ${threadsText(Number(t))}`).join(', ');
  return [
    `Measured ${when} with \`${result.command}\` (${result.seconds.toFixed(0)} s) on ${m.cpu}, ${m.cores} cores,`,
    `load average ${load(m.loadAverageAtStart)} at the start and ${load(m.loadAverageAtEnd)} at the end.`,
    `PyTorch ${result.torchEnv.torch} runs on ${blas}.`,
    `fp32 matmul peak (${result.peak.size}² \`torch.mm\`): ${peak}.`,
    `Medians of ${result.rounds} round${result.rounds > 1 ? 's' : ''} taken alternately (A, B, A, B); PyTorch and onnxruntime measured on ${result.threads.join(', ')} thread(s),`,
    'every × against PyTorch at its fastest thread count, every % of the peak at the thread count the figure used.',
  ].join('\n');
}

/** System names that `keep` accepts, in the order first seen. */
function systems(comparisons: { rows: Row[] }[], keep: (system: string) => boolean): string[] {
  return [...new Set(comparisons.flatMap((c) => c.rows.map((r) => r.system)))].filter(keep);
}

const isPytorch = (system: string) => system.startsWith('PyTorch');

function trainingTable(comparisons: TrainingComparison[], autoBackend: string | null): string {
  const tfjs = systems(comparisons, (s) => s.startsWith('tfjs '));
  const headline = tfjs.find((s) => s === `tfjs ${autoBackend}`) ?? tfjs[0];
  const headers = [
    'recipe',
    ...tfjs.map((s) => (s === `tfjs ${autoBackend}` ? `${s} (what \`auto\` picks here)` : s)),
    'PyTorch at its fastest',
    ...(headline ? [`${headline} ÷ PyTorch fastest`] : []),
  ];
  const body = comparisons.map((c) => {
    const row = (system: string) => c.rows.find((r) => r.system === system);
    const tfjsCells = tfjs.map((s) => {
      const r = row(s);
      return r ? `${formatRate(r.perSecond)} (${formatPercent(r.peakFraction)} of peak)` : '—';
    });
    const torch = c.rows.filter((r) => isPytorch(r.system));
    const best = torch.find((r) => r.isPytorchBest);
    const others = torch.filter((r) => r !== best).map((r) => `${formatRate(r.perSecond)} on ${threadsText(r.threads)}`);
    const torchCell = best
      ? `**${formatRate(best.perSecond)}** on ${threadsText(best.threads)}, ${formatPercent(best.peakFraction)} of peak${others.length ? ` (${others.join(', ')})` : ''}`
      : '—';
    const ratio = headline ? row(headline)?.ratioVsPytorchBest : undefined;
    return [c.description, ...tfjsCells, torchCell, ...(headline ? [ratio === undefined ? '—' : `**${formatRatio(ratio)}**`] : [])];
  });
  return table(headers, body);
}

function inferenceTable(comparisons: InferenceComparison[]): string {
  const columns = [...new Set(comparisons.flatMap((c) => c.rows.map((r) => r.threads)))].sort((a, b) => a - b)
    .flatMap((threads) => comparisons.map((c) => ({ threads, comparison: c })))
    .filter(({ threads, comparison }) => comparison.rows.some((r) => r.threads === threads));
  const label = (batch: string, threads: number) => `${batch === 'all' ? 'all at once' : `batch ${batch}`}, ${threadsText(threads)}`;
  const headers = ['system', ...columns.map(({ threads, comparison }) => label(comparison.batch, threads))];
  const names = [...systems(comparisons, (s) => !isPytorch(s)), ...systems(comparisons, isPytorch)];
  const body = names.map((system) => [system, ...columns.map(({ threads, comparison }) => {
    const r = comparison.rows.find((x) => x.system === system && x.threads === threads);
    if (!r) return '—';
    const pct = `${formatPercent(r.peakFraction)} of peak`;
    if (r.isPytorchBest) return `**${formatRate(r.perSecond)}** (fastest; ${pct})`;
    return `${formatRate(r.perSecond)} (${formatRatio(r.ratioVsPytorchBest)}; ${pct})`;
  })]);
  return table(headers, body);
}

export function formatMarkdown(result: BenchResult): string {
  const out = [heading(result)];
  if (result.training.length > 0) {
    out.push('', 'Training, samples/s:', '', trainingTable(result.training, result.autoBackend?.name ?? null));
  }
  if (result.inference) {
    out.push('', `Inference, ${result.inference.images.toLocaleString('en-US')} test digits, images/s (× PyTorch eval at its fastest thread count for that batch size):`,
      '', inferenceTable(result.inference.comparisons));
  }
  return out.join('\n');
}
