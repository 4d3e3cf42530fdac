import { runCli, type CliOptions, type CliRun } from '@mnist-onnx/test-support';

export { NO_VULKAN_DRIVER_ENV, SWIFTSHADER_ENV, tempDir, useTempArtifacts, type CliRun } from '@mnist-onnx/test-support';

/** Runs `pnpm train`'s entry point (`node --import tsx packages/train/src/cli.ts`) as a child. */
export const runTrainCli = (args: string[], options: CliOptions = {}): Promise<CliRun> => runCli('train', args, options);
