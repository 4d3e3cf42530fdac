import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { artifactPaths, failWithUsageError, runCli } from '@mnist-onnx/mnist/node';
import { exportModel } from './export-model.js';

/** `pnpm export`: a thin layer over exportModel(); every failure is one line and exit 1. */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('pnpm export')
    .usage('$0 [options]\n\nConverts the tfjs model written by `pnpm train` to ONNX, verifies it against tfjs on the test set, then writes it.')
    .option('in', { type: 'string', default: artifactPaths.tfjsModel(), describe: 'folder with model.json and its weight shards' })
    .option('out', { type: 'string', default: artifactPaths.onnxModel(), describe: 'ONNX file to write' })
    .option('report', { type: 'string', describe: 'JSON report to write (default: export-report.json beside --out)' })
    .option('fold-normalization', { type: 'boolean', default: true, describe: 'fold (x-0.1307)/0.3081 into the first Gemm so the file takes [0,1] pixels (--no-fold-normalization keeps normalised input)' })
    .option('probabilities', { type: 'boolean', default: false, describe: 'add a Softmax output "probabilities"' })
    .option('dtype', { choices: ['float32', 'float16'] as const, default: 'float32' as const, describe: 'weight precision in the file' })
    .option('data', { type: 'string', default: 'embedded', describe: 'dataset whose test split verifies the file: embedded, mnist or a folder of IDX files' })
    .strict()
    .fail(failWithUsageError)
    .help()
    .version(false)
    .parse();
  await exportModel({
    in: argv.in,
    out: argv.out,
    report: argv.report,
    foldNormalization: argv['fold-normalization'],
    probabilities: argv.probabilities,
    dtype: argv.dtype,
    data: argv.data,
    log: (line) => process.stdout.write(`${line}\n`),
  });
}

await runCli(main);
