import { relative } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEVICES } from '@mnist-onnx/infer-node';
import { failWithUsageError, runCli } from '@mnist-onnx/mnist/node';
import { BACKEND_CHOICES } from '@mnist-onnx/train';
import { runPipeline } from './run-pipeline.js';
import { StageFailedError } from './stage.js';
import { formatSummary } from './summary-table.js';

await runCli(async () => {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('pnpm start')
    .usage('$0 [options]\n\nThe whole pipeline on the embedded MNIST digits: train → export → infer → report.html.')
    .option('preset', { type: 'string', choices: ['default', 'seed'], describe: 'training preset (see pnpm train --help)' })
    .option('epochs', { type: 'number', describe: 'override the preset\'s epoch count' })
    .option('seed', { type: 'number', describe: 'random seed for initialisation and shuffling' })
    .option('backend', { type: 'string', choices: BACKEND_CHOICES, describe: 'tfjs backend for training (auto picks the fastest that starts)' })
    .option('ep', { type: 'string', choices: DEVICES, describe: 'ONNX Runtime execution provider for inference (auto, cuda, webgpu, cpu)' })
    .version(false)
    .strict()
    .fail(failWithUsageError)
    .help()
    .parse();

  const options = { preset: argv.preset, epochs: argv.epochs, seed: argv.seed, backend: argv.backend, ep: argv.ep };
  const outcome = await runPipeline({ ...options, log: (line) => console.log(line) }).catch((error: unknown) => {
    // The stage has already printed its one-line error; add where the pipeline stopped, not a second error.
    if (!(error instanceof StageFailedError)) throw error;
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
