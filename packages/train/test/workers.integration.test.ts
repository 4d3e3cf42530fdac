import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { train, type TrainHooks, type TrainOptions } from '../src/index.js';
import { FAULT_ENV } from '../src/workers/worker-protocol.js';
import { runTrainCli, tempDir, useTempArtifacts } from './helpers.js';

// Synchronous data parallelism on worker threads (--workers). Every run here starts real
// worker_threads with their own tfjs wasm backend; nothing is mocked. Sizes are kept small
// (2 cores shared with other tests), timeouts wide.

let artifacts: string;
beforeAll(() => {
  artifacts = useTempArtifacts();
});

const weightsOf = (modelDir: string) => readFileSync(join(modelDir, 'weights.bin'));

async function trained(options: TrainOptions, hooks: TrainHooks = {}) {
  const dir = tempDir();
  const result = await train({ backend: 'wasm', out: join(dir, 'tfjs'), ...options }, hooks);
  result.model.dispose();
  return { record: result.record, weights: weightsOf(result.modelDir) };
}

const history = (record: { history: { trainLoss: number; trainAccuracy: number; testLoss: number; testCorrect: number }[] }) =>
  record.history.map((h) => [h.trainLoss, h.trainAccuracy, h.testLoss, h.testCorrect]);

describe('train() on worker threads', () => {
  // The default preset uses every piece a step has: AdamW with a one-cycle schedule, shifts
  // drawn from the RNG, label smoothing, and a last batch smaller than the others (1,010 = 20×50 + 10).
  it('one worker trains bit for bit as the main thread alone (default and seed presets)', async () => {
    for (const preset of ['default', 'seed']) {
      const base: TrainOptions = { preset, trainLimit: 1010, testLimit: 300, overrides: { epochs: 2, seed: 4 } };
      const [alone, oneWorker] = [await trained({ ...base, workers: 0 }), await trained({ ...base, workers: 1 })];
      expect(oneWorker.record.backendNotes).toContain('data-parallel: 1 worker thread, each on wasm');
      expect(alone.record.backendNotes.some((n) => n.startsWith('data-parallel'))).toBe(false);
      expect(oneWorker.weights.equals(alone.weights)).toBe(true);
      expect(history(oneWorker.record)).toEqual(history(alone.record));
    }
  }, 120_000);

  it('--seed makes a run reproducible for a given worker count (3 workers: uneven shards)', async () => {
    const options: TrainOptions = { workers: 3, trainLimit: 1010, testLimit: 300, overrides: { epochs: 2, seed: 8 } };
    const [a, b] = [await trained(options), await trained(options)];
    expect(a.record.backendNotes).toContain('data-parallel: 3 worker threads, each on wasm');
    expect(a.weights.equals(b.weights)).toBe(true);
    expect(history(a.record)).toEqual(history(b.record));
  }, 120_000);

  // Every step uploads the weights into each worker's backend: a step that kept its upload
  // alive grew a worker's heap by the whole model (0.8 MB) per step, until wasm ran out.
  it("a worker's backend memory stays flat from epoch to epoch", async () => {
    const held: number[][] = [];
    await trained({ workers: 2, trainLimit: 1000, testLimit: 100, overrides: { epochs: 3, seed: 5 } }, { onWorkerTimings: (info) => held.push(info.backendBytes) });
    expect(held).toHaveLength(3);
    expect(held[0].every((bytes) => bytes > 0)).toBe(true);
    expect(held[2]).toEqual(held[0]);
  }, 120_000);

  // Splitting a batch changes only the rounding of the gradient sum, so over 3 seeds the test
  // accuracy stays within 0.2 points of one worker's. (One worker is the main thread here: the
  // test above shows they are the same, and it saves a worker start-up per seed.)
  it.each(['default', 'seed'])('2 workers reach the accuracy of 1 within 0.2 points over 3 seeds (%s preset)', async (preset) => {
    const accuracy = async (workers: number) => {
      let sum = 0;
      for (const seed of [1, 2, 3]) sum += (await trained({ preset, workers, trainLimit: 3000, overrides: { epochs: 2, seed } })).record.testAccuracy;
      return (100 * sum) / 3;
    };
    const [one, two] = [await accuracy(0), await accuracy(2)];
    expect(one).toBeGreaterThan(preset === 'default' ? 90 : 20);
    expect(Math.abs(two - one)).toBeLessThanOrEqual(0.2);
  }, 180_000);
});

describe('pnpm train --workers', () => {
  const folders = () => {
    const dir = tempDir();
    return { dir, args: ['--out', join(dir, 'tfjs'), '--checkpoint-dir', join(dir, 'checkpoints')] };
  };
  const env = () => ({ MNIST_ONNX_ARTIFACTS: artifacts });
  const RUN = ['--backend', 'wasm', '--workers', '2', '--json', '--epochs', '4', '--train-limit', '1000', '--test-limit', '200', '--seed', '3'];

  it('a run killed with SIGKILL (its worker threads die with it) resumes to the same weights, bit for bit', async () => {
    const killed = folders();
    const first = await runTrainCli([...RUN, ...killed.args], {
      env: env(),
      onStderr: (text, kill) => (text.match(/^Test set:/gm)?.length ?? 0) >= 2 && kill(),
    });
    expect(first.signal).toBe('SIGKILL');
    expect(existsSync(join(killed.dir, 'tfjs'))).toBe(false);
    const checkpoint = JSON.parse(readFileSync(join(killed.dir, 'checkpoints', 'checkpoint.json'), 'utf8'));
    expect(checkpoint.epoch).toBeGreaterThanOrEqual(2);
    const resumed = await runTrainCli([...RUN, ...killed.args, '--resume'], { env: env() });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming after epoch ${checkpoint.epoch}`);
    const straight = folders();
    expect((await runTrainCli([...RUN, ...straight.args], { env: env() })).code).toBe(0);
    expect(weightsOf(join(killed.dir, 'tfjs')).equals(weightsOf(join(straight.dir, 'tfjs')))).toBe(true);
  }, 180_000);

  it('a worker that throws stops the run with one line naming it; the last checkpoint stays valid and resumes', async () => {
    const f = folders();
    // 1,000 samples at batch 50: 20 updates an epoch, so update 30 is in epoch 2.
    const failed = await runTrainCli([...RUN, ...f.args], { env: { ...env(), [FAULT_ENV]: '2:30' } });
    expect(failed.code).toBe(1);
    const errors = failed.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors).toEqual([`error: data-parallel worker 2 of 2 failed: Error: injected fault at update 30 (${FAULT_ENV})`]);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(f.dir, 'tfjs'))).toBe(false);
    expect(JSON.parse(readFileSync(join(f.dir, 'checkpoints', 'checkpoint.json'), 'utf8')).epoch).toBe(1);
    const resumed = await runTrainCli([...RUN, ...f.args, '--resume'], { env: env() });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim().split('\n').map((l) => JSON.parse(l).epoch)).toEqual([2, 3, 4]);
  }, 120_000);

  it.each([['0'], ['1.5'], ['many']])('--workers %s is a usage error (one line, nothing written)', async (value) => {
    const f = folders();
    const run = await runTrainCli(['--workers', value, ...f.args], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`error: --workers: must be a positive integer or auto, got "${value}"`);
    expect(existsSync(f.dir) && existsSync(join(f.dir, 'tfjs'))).toBe(false);
  });
});
