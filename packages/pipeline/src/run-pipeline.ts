import { compareModelForms, exportModel, readTfjsModel } from '@mnist-onnx/export';
import { createProgress, formatReport, runInference } from '@mnist-onnx/infer-node';
import type { TestSetReport, TrainingRecord } from '@mnist-onnx/mnist/artifacts';
import { artifactPaths, loadDataset, writeFileAtomic } from '@mnist-onnx/mnist/node';
import { createReporter, train } from '@mnist-onnx/train';
import { collectReport } from './collect-report.js';
import type { ReportData } from './report-data.js';
import { bundleReportPage, renderReportHtml } from './report-html.js';
import { StageRunner } from './stage.js';

/** Where the stages print: headings, the seed's training lines, progress, the inference report. */
export interface PipelineOutput {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface PipelineOptions {
  /** Training preset (default: `default`). */
  preset?: string;
  epochs?: number;
  seed?: number;
  /** tfjs backend for training (default: auto). */
  backend?: string;
  /** ONNX Runtime execution provider for inference (default: auto). */
  ep?: string;
  /** What `pnpm start` shows (silent when absent). */
  output?: PipelineOutput;
}

export interface PipelineResult {
  report: ReportData;
  htmlReport: string;
}

/**
 * data → train → export (self-verified) → infer on the test set → report.html. Each stage is
 * its package's API, called in this process, and the report is built from what they return.
 * The pipeline stops at the first stage that fails (StageFailedError); every stage writes its
 * files atomically, so the artifacts of earlier stages stay as they were.
 */
export async function runPipeline(options: PipelineOptions = {}): Promise<PipelineResult> {
  const { output } = options;
  const say = (line: string) => output?.stdout.write(`${line}\n`);
  const stages = new StageRunner((name) => say(`\n▶ ${name}`));

  await stages.run('data', async () => {
    const split = await loadDataset('embedded');
    say(`embedded MNIST: ${split.train.count} train / ${split.test.count} test in ${split.dir}`);
  });
  const record = await stages.run('train', () => trainStage(options));
  const exported = await stages.run('export', async () => (await exportModel({ in: artifactPaths.tfjsModel(), out: artifactPaths.onnxModel(), log: say })).report);
  const inferred = await stages.run('infer', () => inferStage(options));

  // Every form export can write, built in memory and scored on the test set (about a second).
  const forms = (await compareModelForms(await readTfjsModel(artifactPaths.tfjsModel()), (await loadDataset('embedded')).test))
    .map(({ form, bytes, accuracy, agreement, maxAbsDiff }) => ({ form, bytes, accuracy, agreement, maxAbsDiff }));
  const report = { ...collectReport({ record, exported, inferred }, stages.timings), forms };
  await writeFileAtomic(artifactPaths.htmlReport(), renderReportHtml(report, await bundleReportPage()));
  return { report, htmlReport: artifactPaths.htmlReport() };
}

/** train() with `pnpm train`'s own reporter: the seed's lines, a live bar on a terminal. */
async function trainStage({ preset, epochs, seed, backend, output }: PipelineOptions): Promise<TrainingRecord> {
  const reporter = output ? createReporter({ json: false, ...output }) : undefined;
  const result = await train({ out: artifactPaths.tfjsModel(), preset, overrides: { epochs, seed }, backend }, reporter);
  reporter?.finish(result);
  result.model.dispose();
  return result.record;
}

/** runInference() on the test set, writing infer-report.json, shown as `pnpm infer` shows it. */
async function inferStage({ ep, output }: PipelineOptions): Promise<TestSetReport> {
  const progress = output ? createProgress('inferring', output.stderr) : undefined;
  try {
    const report = await runInference({ model: artifactPaths.onnxModel(), report: artifactPaths.inferReport(), ep, onProgress: progress?.update });
    progress?.stop();
    output?.stdout.write(formatReport(report));
    // No images were given, so this is the test-set mode; the check tells the compiler so.
    if (report.mode !== 'test-set') throw new TypeError(`runInference returned a ${report.mode} report for a test set`);
    return report;
  } finally {
    progress?.stop();
  }
}
