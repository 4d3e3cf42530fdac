import type { WorkerScaling } from './bench-workers.js';
import type { AtThreads } from './figures.js';
import type { KernelChoice } from './kernel-choice.js';
import { formatMarkdown, kernelSummary } from './markdown.js';
import { formatModelForms, formatModelFormsMarkdown, type FormsComparison } from './model-forms.js';
import type { SampledPeak } from './matmul-peak.js';
import type { TorchEnv } from './python.js';
import { formatPercent, formatRatio, formatTable, formatWithRange } from './table.js';
import { formatWorkerScaling, workerScalingMarkdown } from './workers-report.js';

/** One system's figure at one thread count in one comparison. */
export interface Row {
  system: string;
  threads: number;
  /** Median over the rounds. */
  perSecond: number;
  /** Each round's figure, in the order taken. */
  rounds: number[];
  /** perSecond ÷ PyTorch's median at its fastest thread count in this comparison. */
  ratioVsPytorchBest?: number;
  /** On PyTorch's rows: whether this is its fastest thread count (the reference). */
  isPytorchBest?: boolean;
  /** Fraction of the matmul peak at this row's thread count. */
  peakFraction: number;
  notes: string[];
}

export interface TrainingComparison {
  recipe: string;
  description: string;
  batchSize: number;
  /** PyTorch's fastest thread count here, the reference of every ratio; null if not measured. */
  pytorchBest: AtThreads | null;
  rows: Row[];
}

export interface InferenceComparison {
  /** `200`, or `all` (the whole test set as one batch). */
  batch: string;
  pytorchBest: AtThreads | null;
  rows: Row[];
}

export interface BenchResult {
  command: string;
  startedAt: string;
  seconds: number;
  machine: { cpu: string; cores: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  versions: Record<string, string>;
  /** What the chosen kernel's probe reported: library, kernel, thread settings. */
  torchEnv: TorchEnv;
  /** The OpenBLAS kernel PyTorch and the peak ran on, and how it was chosen. */
  openblas: KernelChoice;
  autoBackend: { name: string; skipped: { name: string; reason: string }[] } | null;
  peak: SampledPeak & { flopsPerSample: { training: number; inference: number } };
  rounds: number;
  /** Thread counts PyTorch and onnxruntime were measured at. */
  threads: number[];
  dataset: { dir: string; train: number; test: number };
  training: TrainingComparison[];
  /** Training samples/s on 1, 2, … worker threads at several batch sizes (empty when not measured). */
  workers?: WorkerScaling[];
  inference: { model: string; images: number; comparisons: InferenceComparison[] } | null;
  /** Size, accuracy and speed of float32, float16 and both int8 forms (absent in older results). */
  forms?: FormsComparison | null;
  notes: string[];
}

export const formatLoad = (load: number[]): string => load.map((l) => l.toFixed(2)).join(' ');
export const formatGflops = (gflops: Record<string, number>): string =>
  Object.entries(gflops).map(([t, g]) => `${t} thread${t === '1' ? '' : 's'} ${g.toFixed(0)} GFLOP/s`).join(', ');

function rows(list: Row[]): string[][] {
  return list.map((r) => [
    r.isPytorchBest ? `${r.system} (fastest)` : r.system,
    String(r.threads),
    formatWithRange(r.perSecond, r.rounds),
    formatRatio(r.ratioVsPytorchBest),
    formatPercent(r.peakFraction),
  ]);
}

const bestLabel = (best: AtThreads | null) => (best ? `PyTorch is fastest on ${best.threads} thread${best.threads > 1 ? 's' : ''}` : 'PyTorch not measured');

/** The terminal summary: machine, kernel and peak, one table per comparison, the notes, then the README's tables. */
export function formatResult(result: BenchResult): string {
  const out: string[] = [];
  const env = result.torchEnv;
  const blas = env.blas === 'OpenBLAS' ? `OpenBLAS (${env.openblasConfig ?? '?'})` : env.blas;
  out.push(`machine: ${result.machine.cpu}, ${result.machine.cores} cores; load average ${formatLoad(result.machine.loadAverageAtStart)} at the start, ${formatLoad(result.machine.loadAverageAtEnd)} at the end`);
  out.push(`PyTorch ${env.torch} on ${blas}; OMP_WAIT_POLICY=${env.ompWaitPolicy ?? '(unset)'} in its process`);
  out.push(kernelSummary(result.openblas));
  for (const c of result.openblas.candidates) {
    out.push(`  ${c.label}: kernel ${c.core ?? '(not OpenBLAS)'}, ${formatGflops(c.gflops)}`);
  }
  if (result.openblas.check) {
    const d = Object.entries(result.openblas.check.differences).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ');
    out.push(`  results compared (max |Δ| ÷ max |value|, tolerance ${result.openblas.check.tolerance}): ${d}`);
  }
  out.push(`fp32 matmul peak (${result.peak.size}² torch.mm, ${result.openblas.chosen.core ?? env.blas}): ${formatGflops(result.peak.gflops)}`);
  out.push(`FLOPs per sample: training ${result.peak.flopsPerSample.training.toLocaleString('en-US')}, inference ${result.peak.flopsPerSample.inference.toLocaleString('en-US')}`);
  if (result.autoBackend) {
    const skipped = result.autoBackend.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
    out.push(`pnpm train --backend auto picks: ${result.autoBackend.name}${skipped ? ` (skipped ${skipped})` : ''}`);
  }
  const spread = result.rounds > 1 ? ` (range over ${result.rounds} rounds)` : '';
  const headers = (unit: string) => ['system', 'threads', `${unit}${spread}`, '× PyTorch fastest', 'of peak'];
  for (const t of result.training) {
    out.push('', `Training, ${t.description} — samples/s; ${bestLabel(t.pytorchBest)}`, formatTable(headers('samples/s'), rows(t.rows)));
  }
  if (result.workers?.length) out.push(formatWorkerScaling(result.workers, result.rounds));
  if (result.inference) {
    out.push('', `Inference model for onnxruntime: ${result.inference.model}`);
    for (const c of result.inference.comparisons) {
      const label = c.batch === 'all' ? `all ${result.inference.images} test images in one batch` : `batch ${c.batch}`;
      out.push('', `Inference, ${label} — images/s; ${bestLabel(c.pytorchBest)}`, formatTable(headers('images/s'), rows(c.rows)));
    }
  }
  if (result.forms) out.push('', formatModelForms(result.forms));
  out.push('', ...result.notes.map((n) => `note: ${n}`));
  out.push('', 'README tables (markdown):', '', formatMarkdown(result));
  if (result.workers?.length) out.push('', 'Training on worker threads, samples/s (× 1 worker):', '', workerScalingMarkdown(result.workers));
  if (result.forms) out.push('', formatModelFormsMarkdown(result.forms));
  return out.join('\n');
}
