import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_JSON, CHECKPOINT_STATE, loadCheckpoint } from '../src/checkpoint.js';
import { tempDir } from './helpers.js';

const valid = {
  format: 'mnist-onnx-train-checkpoint',
  version: 1,
  preset: 'default',
  hyperparameters: { epochs: 1 },
  datasetId: 'embedded',
  datasetFiles: [],
  trainCount: 10,
  maxBatches: null,
  epoch: 1,
  rngState: 1,
  history: [],
  elapsedSeconds: 1,
  optimizer: { name: 'sgd', step: 1, slots: [] },
  tensors: [{ name: 'weight_0', length: 2 }],
};

function checkpointWith(meta: object): string {
  const dir = join(tempDir(), 'checkpoints');
  mkdirSync(dir);
  writeFileSync(join(dir, CHECKPOINT_JSON), JSON.stringify(meta));
  writeFileSync(join(dir, CHECKPOINT_STATE), new Uint8Array(8));
  return dir;
}

describe('checkpoint.json is read against its contract', () => {
  it('reads a valid one', async () => {
    expect((await loadCheckpoint(checkpointWith(valid))).weights).toEqual([new Float32Array(2)]);
  });

  it('names the file and the first bad field, in one line', async () => {
    const cases: [object, string][] = [
      [{ ...valid, optimizer: { name: 'sgd', step: 1 } }, 'optimizer.slots: missing (expected an array)'],
      [{ ...valid, optimizer: undefined }, 'optimizer: missing (expected an object)'],
      [{ ...valid, tensors: [{ name: 'weight_0', length: 'two' }] }, 'tensors[0].length: expected a number, got "two"'],
      [{ ...valid, epoch: 0 }, 'epoch: Too small: expected number to be >0'],
      [{ ...valid, format: 'something-else' }, 'not a training checkpoint: its format is "something-else", expected "mnist-onnx-train-checkpoint"'],
      [{ ...valid, optimizer: { name: 'adam', step: 1, slots: ['m'] } }, 'optimizer.slots: slot "m" has 0 tensors in tensors, expected 1 (one per weight)'],
    ];
    for (const [meta, problem] of cases) {
      const dir = checkpointWith(meta);
      await expect(loadCheckpoint(dir)).rejects.toThrow(`${join(dir, CHECKPOINT_JSON)}: ${problem}`);
    }
  });
});
