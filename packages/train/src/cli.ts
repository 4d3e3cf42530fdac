import { hideBin } from 'yargs/helpers';
import { parseCommandLine, runCli } from '@mnist-onnx/mnist/node';
import { TRAIN_FLAGS } from './options.js';
import { createReporter } from './reporter.js';
import { train } from './train.js';

/** `pnpm train`: a thin layer over `train()`; its flags are TRAIN_FLAGS (options.ts). */
export async function main(argv: string[] = hideBin(process.argv)): Promise<void> {
  const { json = false, ...options } = await parseCommandLine(argv, {
    name: 'pnpm train',
    summary: 'Trains the 784-200-200-10 MLP with TensorFlow.js and writes a tfjs LayersModel.',
    flags: TRAIN_FLAGS,
  });
  const reporter = createReporter({ json, stdout: process.stdout, stderr: process.stderr });
  const result = await train(options, reporter);
  reporter.finish(result);
  result.model.dispose();
}

await runCli(() => main());
