import { existsSync } from 'node:fs';
import { compareModelForms, readTfjsModel, type ModelFormSummary } from '@mnist-onnx/export';
import type { Dataset } from '@mnist-onnx/mnist';
import { artifactPaths } from '@mnist-onnx/mnist/node';
import { median, type Measurement } from './figures.js';
import { measureOnnxruntime, onnxModel } from './onnx-inference.js';
import { log } from './series.js';
import { formatRatio, formatTable } from './table.js';
import type { InferBatch } from './timing.js';

/** A timed row: a form `pnpm export` writes. */
interface TimedForm {
  name: string;
  summary: Pick<ModelFormSummary, 'bytes' | 'accuracy' | 'agreement' | 'maxAbsDiff' | 'onnx'>;
}

const timedForms = (forms: ModelFormSummary[]): TimedForm[] => forms.map((f) => ({ name: f.form, summary: f }));

export interface FormRow {
  form: string;
  bytes: number;
  /** Test accuracy; int8 dynamic one image per run (its activation scale is per run), others all at once. */
  accuracy: number;
  /** Argmax agreement with float32 on the test set. */
  agreement: number;
  maxAbsDiff: number;
  /** Batch → median images/s over the rounds, and each round's figure. */
  perSecond: Record<string, number>;
  rounds: Record<string, number[]>;
}

export interface FormsComparison {
  model: string;
  /** False when no trained model was found: accuracies are then those of random weights. */
  trained: boolean;
  images: number;
  threads: number;
  batches: string[];
  rows: FormRow[];
}

/**
 * Size, accuracy and onnxruntime-node (CPU EP) images/s of each form of the trained model at
 * each batch size, forms taken alternately round by round, at `threads` intra-op threads.
 */
export async function benchModelForms(test: Dataset, options: { rounds: number; seconds: number; threads: number; spin: boolean; batches: InferBatch[] }): Promise<FormsComparison> {
  const modelDir = artifactPaths.tfjsModel();
  const trained = existsSync(modelDir);
  let forms: TimedForm[];
  if (trained) {
    forms = timedForms(await compareModelForms(await readTfjsModel(modelDir), test));
  } else {
    // Without a trained model only float32 can be had: the in-memory graph of untrained weights.
    const { bytes } = await onnxModel();
    forms = [{ name: 'float32', summary: { bytes: bytes.length, accuracy: Number.NaN, agreement: 1, maxAbsDiff: 0, onnx: bytes } }];
  }
  const rounds = new Map(forms.map((f) => [f.name, new Map<string, number[]>()]));
  for (let round = 1; round <= options.rounds; round++) {
    for (const form of forms) {
      const figures: Map<string, Measurement> = await measureOnnxruntime({ bytes: form.summary.onnx, description: form.name }, test, options.batches, options.threads, options.seconds, options.spin);
      const list = rounds.get(form.name)!;
      for (const [batch, m] of figures) list.set(batch, [...(list.get(batch) ?? []), m.perSecond]);
      log(`round ${round}/${options.rounds} · ${form.name}: ${[...figures].map(([b, m]) => `batch ${b} ${Math.round(m.perSecond).toLocaleString('en-US')}`).join(', ')} images/s`);
    }
  }
  const rows = forms.map(({ name, summary }): FormRow => {
    const perBatch = rounds.get(name)!;
    return {
      form: name,
      bytes: summary.bytes,
      accuracy: summary.accuracy,
      agreement: summary.agreement,
      maxAbsDiff: summary.maxAbsDiff,
      perSecond: Object.fromEntries([...perBatch].map(([b, list]) => [b, median(list)])),
      rounds: Object.fromEntries(perBatch),
    };
  });
  return {
    model: trained ? modelDir : `${modelDir} not found (run pnpm train): float32 only, untrained weights`,
    trained,
    images: test.count,
    threads: options.threads,
    batches: options.batches.map(String),
    rows,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rate = (x: number) => Math.round(x).toLocaleString('en-US');

function cells(c: FormsComparison): { headers: string[]; rows: string[][] } {
  const fp32 = c.rows[0];
  const headers = ['form', 'file', 'accuracy', 'agrees with fp32', 'max |Δlogit|', ...c.batches.map((b) => `batch ${b === 'all' ? `all ${c.images}` : b}, images/s (× fp32)`)];
  const rows = c.rows.map((r) => [
    r.form,
    `${kib(r.bytes)} (${formatRatio(r.bytes / fp32.bytes)})`,
    pct(r.accuracy),
    pct(r.agreement),
    r.maxAbsDiff.toExponential(1),
    ...c.batches.map((b) => `${rate(r.perSecond[b])} (${formatRatio(r.perSecond[b] / fp32.perSecond[b])})`),
  ]);
  return { headers, rows };
}

/** The terminal table, with a line saying plainly where int8 is slower than float32. */
export function formatModelForms(c: FormsComparison): string {
  const { headers, rows } = cells(c);
  const out = [`Model forms: size, accuracy and onnxruntime-node (CPU EP, ${c.threads} thread${c.threads > 1 ? 's' : ''}) images/s — ${c.model}`, formatTable(headers, rows)];
  const fp32 = c.rows[0];
  for (const r of c.rows.slice(1)) {
    const slower = c.batches.filter((b) => r.perSecond[b] < fp32.perSecond[b]).map((b) => `batch ${b} ${formatRatio(r.perSecond[b] / fp32.perSecond[b])}`);
    if (slower.length) out.push(`  ${r.form} is slower than float32 at ${slower.join(', ')}`);
  }
  out.push('  int8 weight-only and float16 run the float32 graph once loaded (onnxruntime folds their Cast/Mul of constant weights at session creation): their speed differs from float32 only by noise');
  out.push('  accuracy: int8 dynamic quantises activations with one scale per run, so it is measured one image per run (as export verifies it); the others all at once');
  if (!c.trained) out.push('  no trained model: the accuracy column means nothing');
  return out.join('\n');
}

/** The same table in markdown, for the README. */
export function formatModelFormsMarkdown(c: FormsComparison): string {
  const { headers, rows } = cells(c);
  const heading = `Model forms: size, test accuracy and onnxruntime-node images/s (CPU EP, ${c.threads} thread${c.threads > 1 ? 's' : ''}; × float32), ${c.images.toLocaleString('en-US')} test digits:`;
  const row = (cells: string[]) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [heading, '', row(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');
}
