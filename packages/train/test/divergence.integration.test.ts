import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrainCli, tempDir, useTempArtifacts } from './helpers.js';

let artifacts: string;
beforeAll(() => {
  artifacts = useTempArtifacts();
});

const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('error: '));

describe('a run that diverges saves nothing and says so, whatever the preset', () => {
  for (const preset of ['seed', 'default']) {
    it(`--preset ${preset} --lr 1e9`, async () => {
      const dir = tempDir();
      const run = await runTrainCli(['--preset', preset, '--lr', '1e9', '--epochs', '2', '--train-limit', '1000', '--test-limit', '200', '--backend', 'wasm', '--out', join(dir, 'tfjs')], {
        env: { MNIST_ONNX_ARTIFACTS: artifacts },
      });
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: training diverged in epoch 1: .*try a lower --lr\)$/)]);
      expect(existsSync(join(dir, 'tfjs'))).toBe(false);
    });
  }
});
