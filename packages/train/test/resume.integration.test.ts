import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrainCli, tempDir, useTempArtifacts } from './helpers.js';

let artifacts: string;
beforeAll(() => {
  artifacts = useTempArtifacts();
});

// The default preset exercises every piece of state a resume must restore: AdamW's moments and
// step count, the one-cycle position, and the RNG that drives both shuffling and shifts.
const RUN = ['--backend', 'wasm', '--json', '--epochs', '5', '--train-limit', '2000', '--test-limit', '200', '--seed', '3'];

const folders = () => {
  const dir = tempDir();
  return { dir, args: ['--out', join(dir, 'tfjs'), '--checkpoint-dir', join(dir, 'checkpoints')] };
};

describe('checkpoints and --resume', () => {
  it('a run killed with SIGKILL mid-training and resumed ends with the same weights, bit for bit', async () => {
    const env = { MNIST_ONNX_ARTIFACTS: artifacts };
    const killed = folders();
    const first = await runTrainCli([...RUN, ...killed.args], {
      env,
      // Kill as soon as the second epoch is reported (its checkpoint is written just before).
      onStderr: (text, kill) => (text.match(/^Test set:/gm)?.length ?? 0) >= 2 && kill(),
    });
    expect(first.signal).toBe('SIGKILL');
    expect(existsSync(join(killed.dir, 'tfjs'))).toBe(false);
    const checkpoint = JSON.parse(readFileSync(join(killed.dir, 'checkpoints', 'checkpoint.json'), 'utf8'));
    expect(checkpoint.epoch).toBeGreaterThanOrEqual(2);
    expect(checkpoint.epoch).toBeLessThan(5);

    const resumed = await runTrainCli([...RUN, ...killed.args, '--resume'], { env });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming after epoch ${checkpoint.epoch}`);
    expect(resumed.stdout.trim().split('\n').map((l) => JSON.parse(l).epoch)).toEqual(
      Array.from({ length: 5 - checkpoint.epoch }, (_, i) => checkpoint.epoch + 1 + i),
    );

    const straight = folders();
    const uninterrupted = await runTrainCli([...RUN, ...straight.args], { env });
    expect(uninterrupted.code).toBe(0);

    const weights = (f: { dir: string }) => readFileSync(join(f.dir, 'tfjs', 'weights.bin'));
    expect(weights(killed).length).toBe(4 * (784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10));
    expect(weights(killed).equals(weights(straight))).toBe(true);
    const history = (f: { dir: string }) => JSON.parse(readFileSync(join(f.dir, 'tfjs', 'training-record.json'), 'utf8'))
      .history.map((h: { trainLoss: number; testLoss: number; testCorrect: number }) => [h.trainLoss, h.testLoss, h.testCorrect]);
    expect(history(killed)).toEqual(history(straight));
  }, 120_000);

  it('refuses a checkpoint made with other settings, naming the setting', async () => {
    const env = { MNIST_ONNX_ARTIFACTS: artifacts };
    const f = folders();
    const short = ['--backend', 'wasm', '--epochs', '1', '--train-limit', '300', '--test-limit', '100'];
    expect((await runTrainCli([...short, ...f.args], { env })).code).toBe(0);
    const run = await runTrainCli([...short, ...f.args, '--resume', '--lr', '0.01'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`error: ${join(f.dir, 'checkpoints', 'checkpoint.json')}: made by a different run: lr 0.002 (this run: 0.01); use the same flags or start without --resume`);
  }, 60_000);
});
