import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { artifactPaths } from '@mnist-onnx/mnist/node';

/** Runs `task` with a new temporary folder, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, task: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await task(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The model the page benches load: `--model FILE`, else the exported model in artifacts/, else
 * the same MLP (784-200-200-10) trained for 4 epochs with pnpm train's code and exported with
 * pnpm export's, in `dir` (a few seconds).
 */
export async function benchModel(requested: string | undefined, dir: string): Promise<string> {
  if (requested) {
    if (!existsSync(requested)) {
      console.error(`error: --model ${requested}: no such file`);
      process.exit(1);
    }
    return requested;
  }
  const exported = artifactPaths.onnxModel();
  if (existsSync(exported)) return exported;
  console.log(`${exported} not found: training a 4-epoch model with pnpm train's code instead`);
  // Imported here: training and export are only needed when there is no model to load.
  const [{ train }, { exportModel }] = await Promise.all([import('@mnist-onnx/train'), import('@mnist-onnx/export')]);
  const tfjsDir = join(dir, 'tfjs');
  const { model } = await train({ out: tfjsDir, checkpointDir: join(dir, 'checkpoints'), backend: 'wasm', overrides: { epochs: 4 } });
  model.dispose();
  const file = join(dir, 'mnist-mlp.onnx');
  await exportModel({ in: tfjsDir, out: file });
  return file;
}

/**
 * The bench's flags, parsed strictly. pnpm passes a `--` separator through to the script; it is
 * dropped. A bad flag ends the process with one line on stderr and exit code 1.
 */
export function benchArgs<T extends ParseArgsConfig['options']>(options: T): ReturnType<typeof parseArgs<{ options: T; args: string[] }>>['values'] {
  try {
    return parseArgs({ options, args: process.argv.slice(2).filter((arg) => arg !== '--') }).values;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
}
