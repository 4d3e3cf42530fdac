import { assertReplaceable, checkOutputPaths, flagName, lockOutputs, settleOutput, type OutputPath } from '@mnist-onnx/mnist/node';
import { CHECKPOINT_JSON } from './checkpoint.js';
import { MODEL_JSON } from './model-io.js';
import { TRAIN_FLAGS, type ResolvedOptions } from './options.js';

/**
 * Makes the model and checkpoint folders this run's before any work starts: both paths are
 * writable and distinct, no other run writes to them (a lock each), a swap a killed run left
 * half done is finished, and neither holds files we did not write. Returns the release.
 */
export async function claimTrainOutputs(opts: ResolvedOptions): Promise<() => Promise<void>> {
  const outputs: OutputPath[] = [
    { flag: flagName(TRAIN_FLAGS, 'out'), path: opts.out, kind: 'folder' },
    { flag: flagName(TRAIN_FLAGS, 'checkpointDir'), path: opts.checkpointDir, kind: 'folder' },
  ];
  await checkOutputPaths(outputs);
  const release = await lockOutputs(outputs.map(({ flag, path }) => ({ path, label: `${flag} ${path}` })));
  try {
    for (const { path } of outputs) await settleOutput(path);
    await assertReplaceable(opts.out, MODEL_JSON);
    await assertReplaceable(opts.checkpointDir, CHECKPOINT_JSON);
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}
