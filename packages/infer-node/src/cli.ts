import { artifactPaths, failWithUsageError, runCli, UsageError } from '@mnist-onnx/mnist/node';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEVICES } from './execution-provider.js';
import { formatReport } from './format-report.js';
import type { Normalization } from './input-convention.js';
import { createProgress } from './progress.js';
import { DEFAULT_BATCH_SIZE, runInference } from './run-inference.js';

/** Parses `--normalize MEAN,STD`. */
export function parseNormalize(text: string): Normalization {
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[1] <= 0) {
    throw new UsageError(`--normalize expects MEAN,STD with a positive STD (e.g. 0.1307,0.3081), got "${text}"`);
  }
  return { mean: parts[0], std: parts[1] };
}

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('pnpm infer')
    .usage('$0 [options]\n\nScores an ONNX MNIST classifier on a test set with onnxruntime-node (GPU first, then CPU), or classifies image files with --images.')
    .option('model', { type: 'string', default: artifactPaths.onnxModel(), describe: 'ONNX model file (default: pnpm export\'s output)' })
    .option('data', { type: 'string', describe: 'test set: embedded (default), mnist, or a folder with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (.gz or not)' })
    .option('images', { type: 'string', array: true, describe: 'classify these image files / folders instead of a test set' })
    .option('ep', { choices: DEVICES, default: 'auto' as const, describe: 'execution provider; auto tries cuda, then webgpu (hardware adapters only), then cpu' })
    .option('batch-size', { type: 'number', default: DEFAULT_BATCH_SIZE, describe: 'images per model run' })
    .option('threads', { type: 'number', describe: 'ONNX Runtime intra-op threads (default: one per core)' })
    .option('normalize', { type: 'string', describe: 'MEAN,STD the model expects its [0,1] input normalised with (default: from the model\'s metadata, else raw)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
    .option('report', { type: 'string', describe: `also write the JSON report to FILE, atomically (bare --report: ${artifactPaths.inferReport()})` })
    .conflicts('images', 'data')
    .example('$0', 'score artifacts/model/mnist-mlp.onnx on the embedded test set')
    .example('$0 --images digit.png scans/', 'classify image files')
    .example('$0 --model torch.onnx --normalize 0.1307,0.3081 --ep cpu', 'a PyTorch export that takes normalised input')
    .strict()
    .help()
    .version(false)
    .fail(failWithUsageError)
    .parseAsync();

  const images = argv.images?.map(String);
  if (argv.images && (images?.length ?? 0) === 0) throw new UsageError('--images needs at least one file or folder');
  const progress = createProgress(images ? 'classifying' : 'inferring');
  try {
    const report = await runInference({
      model: argv.model,
      ...(argv.data !== undefined ? { data: argv.data } : {}),
      ...(images ? { images } : {}),
      ep: argv.ep,
      batchSize: argv['batch-size'],
      ...(argv.threads !== undefined ? { threads: argv.threads } : {}),
      ...(argv.normalize !== undefined ? { normalize: parseNormalize(argv.normalize) } : {}),
      ...(argv.report !== undefined ? { report: argv.report === '' ? artifactPaths.inferReport() : argv.report } : {}),
      onProgress: progress.update,
    });
    progress.stop();
    process.stdout.write(argv.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  } finally {
    progress.stop();
  }
}

await runCli(main);
