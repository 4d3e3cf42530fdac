import type { MatmulFloor } from './matmul-floor.js';
import type { TorchEnv } from './python.js';
import { formatPercent, formatRatio, formatTable, formatWithRange } from './table.js';

/** One system's figure in one comparison, with what it is compared against. */
export interface Row {
  system: string;
  threads: number;
  /** Median over the rounds. */
  perSecond: number;
  /** Each round's figure, in the order taken. */
  rounds: number[];
  /** perSecond / PyTorch's perSecond at the same thread count (absent for PyTorch itself). */
  ratioVsPytorch?: number;
  /** Fraction of the matmul floor at the same thread count. */
  floorFraction: number;
  notes: string[];
}

export interface TrainingComparison {
  recipe: string;
  description: string;
  batchSize: number;
  rows: Row[];
}

export interface InferenceComparison {
  /** `200`, or `all` (the whole test set as one batch). */
  batch: string;
  rows: Row[];
}

export interface BenchResult {
  command: string;
  startedAt: string;
  seconds: number;
  machine: { cpu: string; cores: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  versions: Record<string, string>;
  torchEnv: TorchEnv;
  autoBackend: { name: string; skipped: { name: string; reason: string }[] } | null;
  floor: MatmulFloor & { flopsPerSample: { training: number; inference: number } };
  rounds: number;
  threads: number;
  dataset: { dir: string; train: number; test: number };
  training: TrainingComparison[];
  inference: { model: string; images: number; comparisons: InferenceComparison[] } | null;
  notes: string[];
}

function rows(list: Row[]): string[][] {
  return list.map((r) => [r.system, String(r.threads), formatWithRange(r.perSecond, r.rounds), formatRatio(r.ratioVsPytorch), formatPercent(r.floorFraction)]);
}

/** The terminal summary: the floor, then one table per training recipe and inference batch size. */
export function formatResult(result: BenchResult): string {
  const out: string[] = [];
  const gflops = Object.entries(result.floor.gflops).map(([t, g]) => `${t} thread${t === '1' ? '' : 's'} ${g.toFixed(0)} GFLOP/s`).join(', ');
  const blas = result.torchEnv.blas === 'OpenBLAS' ? `OpenBLAS (${result.torchEnv.openblasCore}, ${result.torchEnv.openblasConfig})` : result.torchEnv.blas;
  out.push(`machine: ${result.machine.cpu}, ${result.machine.cores} cores; load average at start ${result.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  out.push(`PyTorch ${result.torchEnv.torch} on ${blas}; OPENBLAS_CORETYPE=${result.torchEnv.openblasCoretypeEnv ?? '(unset)'}, OMP_WAIT_POLICY=${result.torchEnv.ompWaitPolicy ?? '(unset)'}`);
  out.push(`fp32 matmul floor (${result.floor.size}², torch.mm): ${gflops}`);
  out.push(`FLOPs per sample: training ${result.floor.flopsPerSample.training.toLocaleString('en-US')}, inference ${result.floor.flopsPerSample.inference.toLocaleString('en-US')}`);
  if (result.autoBackend) {
    const skipped = result.autoBackend.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
    out.push(`pnpm train --backend auto picks: ${result.autoBackend.name}${skipped ? ` (skipped ${skipped})` : ''}`);
  }
  const spread = result.rounds > 1 ? ` (range over ${result.rounds} rounds)` : '';
  const headers = (unit: string) => ['system', 'threads', `${unit}${spread}`, '× PyTorch', 'of floor'];
  for (const t of result.training) {
    out.push('', `Training, ${t.description} — samples/s`, formatTable(headers('samples/s'), rows(t.rows)));
  }
  if (result.inference) {
    out.push('', `Inference model for onnxruntime: ${result.inference.model}`);
    for (const c of result.inference.comparisons) {
      const label = c.batch === 'all' ? `all ${result.inference.images} test images in one batch` : `batch ${c.batch}`;
      out.push('', `Inference, ${label} — images/s`, formatTable(headers('images/s'), rows(c.rows)));
    }
  }
  out.push('', ...result.notes.map((n) => `note: ${n}`));
  return out.join('\n');
}
