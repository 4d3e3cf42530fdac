import type { ReportData } from './report-data.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The pipeline's closing summary, as aligned plain text for the terminal. */
export function formatSummary(data: ReportData): string {
  const { training: t, parity: p, inference: inf } = data;
  const rows: [string, string][] = [
    ['test accuracy, tfjs', `${pct(p.tfjsAccuracy)}  (backend ${t.backend}, preset ${t.preset}, ${t.history.length} epochs)`],
    ['test accuracy, ONNX Runtime', `${pct(p.onnxAccuracy)}  (execution provider ${inf.executionProvider})`],
    ['max |Δlogit| tfjs vs ONNX', `${p.maxAbsLogitDiff.toExponential(2)}  (argmax agreement ${pct(p.argmaxAgreement)})`],
    ['mean loss / entropy', `${inf.meanLoss.toFixed(4)} / ${inf.meanEntropyBits.toFixed(3)} bits`],
    ['inference speed', `${Math.round(inf.imagesPerSecond).toLocaleString('en-US')} images/s (one cold pass over the test set; steady state: pnpm bench)`],
    ...data.stages.map((s): [string, string] => [`stage ${s.name}`, `${s.seconds.toFixed(1)} s`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const line = '─'.repeat(width + 2 + Math.max(...rows.map(([, v]) => v.length)));
  return [line, ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), line].join('\n');
}
