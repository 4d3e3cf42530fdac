import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ModelFormRow, ReportData } from './report-data.js';

const PAGE_ENTRY = fileURLToPath(new URL('./report-page/main.ts', import.meta.url));

/**
 * The page's code (report-page/main.ts) and the parts of ECharts it imports, bundled and
 * minified into one script, so report.html is a single self-contained file that opens offline
 * from file://. Built when the report is written: the packages run from source, with no build step.
 */
export async function bundleReportPage(): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  // Inside an inline <script>, "</script" would end the element wherever it appears.
  return result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
}

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;

function table(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function formsTable(forms: ModelFormRow[]): string {
  const base = forms[0]?.bytes ?? 1;
  const rows = forms.map((f) => `<tr><td>${escapeHtml(f.form)}</td><td>${(f.bytes / 1024).toFixed(1)} KiB (${(f.bytes / base).toFixed(2)}×)</td><td>${pct(f.accuracy)}</td><td>${pct(f.agreement)}</td><td>${f.maxAbsDiff.toExponential(1)}</td></tr>`);
  return `<table id="model-forms"><tr><th>form</th><th>file</th><th>test accuracy</th><th>argmax agrees with float32</th><th>max |Δlogit| vs float32</th></tr>${rows.join('')}</table>`;
}

/** The report page: the figures as HTML and as JSON (#report-data) for `pageScript` to chart. */
export function renderReportHtml(data: ReportData, pageScript: string): string {
  const { training: t, parity: p, inference: inf } = data;
  const hyper = Object.entries(t.hyperparameters).map(([k, v]): [string, string] => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  const perClass = inf.precision
    .map((precision, digit) => `<tr><td>${digit}</td><td>${pct(precision, 1)}</td><td>${pct(inf.recall[digit], 1)}</td><td>${inf.confusion[digit].reduce((a, b) => a + b, 0)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>mnist-onnx report — ${pct(inf.accuracy)} on ${escapeHtml(data.dataset.id)}</title>
<style>
  :root { --bg: #fafafa; --fg: #1d1d1f; --muted: #6e6e73; --card: #fff; --line: #e5e5ea; --accent: #0a84ff; }
  @media (prefers-color-scheme: dark) { :root { --bg: #111114; --fg: #f2f2f7; --muted: #98989d; --card: #1c1c1f; --line: #2c2c30; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
  main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 48px; }
  h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 12px; }
  .sub { color: var(--muted); margin: 0 0 20px; }
  .headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-bottom: 16px; }
  .stat { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 14px; }
  .stat b { display: block; font-size: 22px; } .stat span { color: var(--muted); font-size: 13px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 16px; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px; margin-bottom: 16px; }
  .chart { width: 100%; height: 320px; } .chart.square { height: 420px; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); font-size: 14px; }
  table.kv th { color: var(--muted); font-weight: 500; width: 45%; }
</style>
</head>
<body>
<main>
  <h1>mnist-onnx — training and inference report</h1>
  <p class="sub">${escapeHtml(data.generatedAt)} · dataset <b>${escapeHtml(data.dataset.id)}</b> (${data.dataset.train} train / ${data.dataset.test} test) · preset <b>${escapeHtml(t.preset)}</b></p>
  <div class="headline">
    <div class="stat"><b>${pct(p.tfjsAccuracy)}</b><span>test accuracy, tfjs (${escapeHtml(t.backend)})</span></div>
    <div class="stat"><b>${pct(p.onnxAccuracy)}</b><span>test accuracy, ONNX Runtime (${escapeHtml(inf.executionProvider)})</span></div>
    <div class="stat"><b>${p.maxAbsLogitDiff.toExponential(1)}</b><span>max |Δlogit| tfjs vs ONNX</span></div>
    <div class="stat"><b>${Math.round(inf.imagesPerSecond).toLocaleString('en-US')}</b><span>images/s in onnxruntime-node (one cold pass)</span></div>
  </div>
  <div class="grid">
    <section><h2>Loss per epoch</h2><div id="loss" class="chart" role="img" aria-label="training and test loss per epoch"></div></section>
    <section><h2>Accuracy per epoch</h2><div id="accuracy" class="chart" role="img" aria-label="training and test accuracy per epoch"></div></section>
  </div>
  <div class="grid">
    <section><h2>Confusion matrix (test set, ONNX Runtime)</h2><div id="confusion" class="chart square" role="img" aria-label="confusion matrix heat map"></div></section>
    <section><h2>Per-class precision and recall</h2><div id="perclass" class="chart" role="img" aria-label="precision and recall per digit"></div>
      <table><tr><th>digit</th><th>precision</th><th>recall</th><th>samples</th></tr>${perClass}</table></section>
  </div>
  <div class="grid">
    <section><h2>Parity: tfjs → ONNX</h2>${table([
      ['ONNX file', p.onnxFile], ['size', `${(p.onnxBytes / 1024).toFixed(1)} KiB`], ['nodes', String(p.nodes)],
      ['parameters', p.parameters.toLocaleString('en-US')], ['max |Δlogit|', p.maxAbsLogitDiff.toExponential(2)],
      ['argmax agreement', pct(p.argmaxAgreement)], ['accuracy tfjs', pct(p.tfjsAccuracy)], ['accuracy ONNX Runtime', pct(p.onnxAccuracy)],
      ['mean loss (ONNX Runtime)', inf.meanLoss.toFixed(4)], ['mean prediction entropy', `${inf.meanEntropyBits.toFixed(3)} bits`],
      ['session creation', `${inf.sessionCreateMs.toFixed(1)} ms`],
    ])}</section>
    <section><h2>Hyperparameters</h2>${table([['backend', t.backend], ...hyper, ['training wall time', `${t.wallSeconds.toFixed(1)} s`]])}
      ${t.backendNotes.length ? `<p class="sub">${t.backendNotes.map(escapeHtml).join('<br>')}</p>` : ''}</section>
  </div>
  ${data.forms ? `<section><h2>Model forms: size and accuracy</h2>${formsTable(data.forms)}
    <p class="sub">Each form <code>pnpm export --dtype float16 | int8 [--quantize dynamic]</code> writes, built from the same trained model and scored on the ${data.dataset.test} test digits in onnxruntime-node (CPU); int8 dynamic one image per run, as export verifies it. Speed: <code>pnpm bench</code>.</p></section>` : ''}
  <div class="grid">
    <section><h2>Stages</h2>${table(data.stages.map((s): [string, string] => [s.name, `${s.seconds.toFixed(2)} s`]))}</section>
    <section><h2>Machine</h2>${table([['CPU', data.machine.cpu], ['cores', String(data.machine.cores)], ['memory', `${data.machine.memoryGiB} GiB`], ['platform', data.machine.platform], ['Node.js', data.machine.node]])}</section>
  </div>
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}
