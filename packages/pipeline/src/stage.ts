import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MnistOnnxError } from '@mnist-onnx/mnist';
import { repoRoot } from '@mnist-onnx/mnist/node';

/** A stage's command exited non-zero; it has already printed its own one-line error. */
export class StageFailedError extends MnistOnnxError {
  readonly stage: string;
  readonly exitCode: number;
  constructor(stage: string, exitCode: number) {
    super('PIPELINE_STAGE', `stage "${stage}" failed (exit ${exitCode}); artifacts of earlier stages are intact`);
    this.stage = stage;
    this.exitCode = exitCode;
  }
}

/** Package CLIs the pipeline runs, each in its own process as a user would run it. */
export const STAGE_CLIS = {
  train: 'packages/train/src/cli.ts',
  export: 'packages/export/src/cli.ts',
  infer: 'packages/infer-node/src/cli.ts',
} as const;

/**
 * Runs one package CLI with the terminal handed over (progress bars stay live). Separate
 * processes keep each stage's tfjs/onnxruntime state apart, and every stage writes its outputs
 * atomically, so a failure leaves earlier artifacts as they were.
 */
export function runStage(stage: keyof typeof STAGE_CLIS, args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot(), STAGE_CLIS[stage]), ...args], {
    cwd: repoRoot(),
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new StageFailedError(stage, code ?? (signal ? 128 : 1)));
    });
  });
}
