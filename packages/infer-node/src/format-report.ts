import { modelForm, NUM_CLASSES } from '@mnist-onnx/mnist';
import type { ImagesReport, InferenceReport, RunContext, TestSetReport } from './report.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;
const shape = (s: ReadonlyArray<number | string>) => `[${s.join(',')}]`;
const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** The execution provider in use, then one line per provider passed over, with its reason. */
export function formatProviderLines(context: RunContext): string[] {
  const ep = context.executionProvider;
  return [
    `execution provider: ${ep.name}${ep.requested === 'auto' ? ' (auto)' : ''}`,
    ...ep.skipped.map((s) => `  skipped ${s.name}: ${s.reason}`),
    ...ep.notes.map((note) => `  note: ${note}`),
  ];
}

/** `weights:` line: which form runs (fp32, fp16, int8 weight-only, int8 dynamic) and what export measured. */
export function formatFormLine(metadata: Record<string, string>): string {
  const form = modelForm(metadata);
  const measured = form.exportAccuracy
    ? `; at export ${pct(form.exportAccuracy.accuracy)} on ${form.exportAccuracy.dataset} (float32 ${pct(form.exportAccuracy.float32Accuracy)})`
    : '';
  return `weights:  ${form.name ? `${form.name} (${form.detail})` : form.detail}${measured}`;
}

function formatContext(report: InferenceReport): string[] {
  const { model, input } = report;
  return [
    ...formatProviderLines(report),
    `model:    ${model.path} (${size(model.bytes)}, opset ${model.opsetVersion}${model.producer ? `, ${model.producer}` : ''})`,
    formatFormLine(model.metadata),
    `input:    "${model.inputName}" ${shape(model.inputShape)}, ${input.normalized ? `normalised (x − ${input.mean}) / ${input.std}` : 'raw pixels in [0,1]'} — ${input.source}`,
    `output:   "${model.outputName}" ${shape(model.outputShape)}, ${model.outputKind} (${model.outputKindSource})`,
    `session:  created in ${report.sessionCreateMs.toFixed(1)} ms`,
  ];
}

/** A square table: rows are true labels, columns predictions; the diagonal is bracketed. */
export function formatConfusionMatrix(matrix: number[][]): string[] {
  const width = Math.max(4, ...matrix.flat().map((n) => String(n).length + 2));
  const cell = (text: string) => text.padStart(width);
  const lines = ['confusion matrix (rows: true label, columns: predicted)', `      │${Array.from({ length: NUM_CLASSES }, (_, c) => cell(String(c))).join('')}`];
  lines.push(`──────┼${'─'.repeat(width * NUM_CLASSES)}`);
  matrix.forEach((row, t) => {
    lines.push(`   ${t}  │${row.map((n, p) => cell(p === t ? `[${n}]` : n === 0 ? '·' : String(n))).join('')}`);
  });
  return lines;
}

function formatTestSet(report: TestSetReport): string[] {
  const rate = report.imagesPerSecond;
  return [
    ...formatContext(report),
    `data:     ${report.data.id}, ${int(report.count)} test images (${report.data.images})`,
    '',
    `accuracy:      ${pct(report.accuracy)} (${int(report.correct)} / ${int(report.count)})`,
    `mean loss:     ${report.meanLoss.toFixed(4)} (cross-entropy, nats)`,
    `mean entropy:  ${report.meanEntropyBits.toFixed(3)} bits (0 = certain, 3.32 = uniform)`,
    `throughput:    ${int(rate)} images/s (${report.seconds.toFixed(3)} s in all, ${report.inferenceSeconds.toFixed(3)} s in the model; batch ${report.batchSize})`,
    '',
    ...formatConfusionMatrix(report.confusionMatrix),
    '',
    'class  precision  recall   support',
    ...report.perClass.map((c) => `  ${c.label}    ${pct(c.precision, 1).padStart(7)}  ${pct(c.recall, 1).padStart(7)}  ${int(c.support).padStart(7)}`),
  ];
}

function formatImages(report: ImagesReport): string[] {
  return [
    ...formatContext(report),
    '',
    ...report.images.map((image) =>
      image.prediction === null
        ? `${image.file} → no digit (the image is blank)`
        : `${image.file} → ${image.prediction} (p = ${(image.probability ?? 0).toFixed(2)}, entropy ${(image.entropyBits ?? 0).toFixed(2)} bits)`,
    ),
  ];
}

/** The report as the terminal shows it. */
export function formatReport(report: InferenceReport): string {
  return `${(report.mode === 'test-set' ? formatTestSet(report) : formatImages(report)).join('\n')}\n`;
}
