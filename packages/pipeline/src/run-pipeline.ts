import { artifactPaths, loadDataset, writeFileAtomic } from '@mnist-onnx/mnist/node';
import { collectReport } from './collect-report.js';
import type { ReportData, StageTiming } from './report-data.js';
import { renderReportHtml } from './report-html.js';
import { runStage } from './stage.js';

export interface PipelineOptions {
  /** Training preset (default: `default`). */
  preset?: string;
  epochs?: number;
  seed?: number;
  /** tfjs backend for training (default: auto). */
  backend?: string;
  /** ONNX Runtime execution provider for inference (default: auto). */
  ep?: string;
  /** Prints a line when a stage starts. */
  log?: (line: string) => void;
}

export interface PipelineResult {
  report: ReportData;
  htmlReport: string;
}

/**
 * data → train → export (self-verified) → infer on the test set → report.html. Each stage is
 * the package's own CLI, run exactly as a user would run it; the pipeline stops at the first
 * stage that fails.
 */
export async function runPipeline(options: PipelineOptions = {}): Promise<PipelineResult> {
  const log = options.log ?? (() => {});
  const stages: StageTiming[] = [];
  const timed = async (name: string, work: () => Promise<unknown>) => {
    log(`\n▶ ${name}`);
    const started = performance.now();
    await work();
    stages.push({ name, seconds: (performance.now() - started) / 1000 });
  };
  const flag = (name: string, value: string | number | undefined) => (value === undefined ? [] : [`--${name}`, String(value)]);

  await timed('data', async () => {
    const split = await loadDataset('embedded');
    log(`embedded MNIST: ${split.train.count} train / ${split.test.count} test in ${split.dir}`);
  });
  await timed('train', () =>
    runStage('train', [
      '--out', artifactPaths.tfjsModel(),
      ...flag('preset', options.preset), ...flag('epochs', options.epochs), ...flag('seed', options.seed), ...flag('backend', options.backend),
    ]),
  );
  await timed('export', () => runStage('export', ['--in', artifactPaths.tfjsModel(), '--out', artifactPaths.onnxModel()]));
  await timed('infer', () =>
    runStage('infer', ['--model', artifactPaths.onnxModel(), '--report', artifactPaths.inferReport(), ...flag('ep', options.ep)]),
  );

  const report = await collectReport(
    {
      trainingRecord: `${artifactPaths.tfjsModel()}/training-record.json`,
      exportReport: artifactPaths.exportReport(),
      inferReport: artifactPaths.inferReport(),
    },
    stages,
  );
  await writeFileAtomic(artifactPaths.htmlReport(), renderReportHtml(report));
  return { report, htmlReport: artifactPaths.htmlReport() };
}
