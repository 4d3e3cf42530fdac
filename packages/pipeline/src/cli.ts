import { relative } from 'node:path';
import { hideBin } from 'yargs/helpers';
import { DEVICES } from '@mnist-onnx/infer-node';
import { describeError, parseCommandLine, runCli, type FlagTable } from '@mnist-onnx/mnist/node';
import { BACKEND_CHOICES, PRESET_NAMES } from '@mnist-onnx/train';
import { runPipeline, type PipelineOptions } from './run-pipeline.js';
import { StageFailedError } from './stage.js';
import { formatSummary } from './summary-table.js';

/** Every flag of `pnpm start`, one per option of runPipeline(). */
const START_FLAGS: FlagTable<PipelineOptions> = {
  preset: { type: 'string', choices: PRESET_NAMES, describe: 'training preset (see pnpm train --help)' },
  epochs: { type: 'number', describe: 'override the preset\'s epoch count' },
  seed: { type: 'number', describe: 'random seed for initialisation and shuffling' },
  backend: { type: 'string', choices: BACKEND_CHOICES, describe: 'tfjs backend for training (auto picks the fastest that starts)' },
  ep: { type: 'string', choices: DEVICES, describe: 'ONNX Runtime execution provider for inference (auto, cuda, webgpu, cpu)' },
  output: null,
};

await runCli(async () => {
  const options = await parseCommandLine(hideBin(process.argv), {
    name: 'pnpm start',
    summary: 'The whole pipeline on the embedded MNIST digits: train → export → infer → report.html.',
    flags: START_FLAGS,
  });
  const output = { stdout: process.stdout, stderr: process.stderr };
  const outcome = await runPipeline({ ...options, output }).catch((error: unknown) => {
    if (!(error instanceof StageFailedError)) throw error;
    // The stage's own one-line error, then where the pipeline stopped.
    process.stderr.write(`error: ${describeError(error.cause)}\n`);
    if (process.env.MNIST_ONNX_DEBUG && error.cause instanceof Error) process.stderr.write(`${error.cause.stack}\n`);
    process.stderr.write(`pnpm start stopped at stage "${error.stage}"; artifacts of earlier stages are intact\n`);
    process.exitCode = 1;
    return undefined;
  });
  if (!outcome) return;
  const { report, htmlReport } = outcome;
  console.log(`\n${formatSummary(report)}`);
  console.log(`\nReport with curves and the confusion matrix: ${relative(process.cwd(), htmlReport) || htmlReport}`);
  console.log('Draw digits in the browser classifier: pnpm web');
});
