import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '@mnist-onnx/mnist/node';
import { runKilledAtRename } from '@mnist-onnx/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../src/checkpoint.js';
import { runTrainCli, tempDir, useTempArtifacts } from './helpers.js';

let artifacts: string;
beforeAll(async () => {
  artifacts = useTempArtifacts();
  // Written once here, so that the renames counted below are the outputs' own.
  await loadDataset('embedded');
});

// One epoch of one batch: a run makes four renames (checkpoint: fill → version, link → folder;
// model: the same), each held 300 ms by strace so that a kill lands between two of them.
const quick = ({ epochs = 1, maxBatches = 1, trainLimit = 200 } = {}) =>
  ['--backend', 'wasm', '--epochs', String(epochs), '--max-batches', String(maxBatches), '--train-limit', String(trainLimit), '--test-limit', '50'];
const QUICK = quick();
const WEIGHTS_BYTES = 4 * (784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);

/** The model folder holds one whole version: its three files, weights of the right size. */
function expectWholeModel(dir: string): void {
  expect(readdirSync(dir).sort()).toEqual(['model.json', 'training-record.json', 'weights.bin']);
  expect(readFileSync(join(dir, 'weights.bin')).length).toBe(WEIGHTS_BYTES);
  expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths).toEqual(['weights.bin']);
  JSON.parse(readFileSync(join(dir, 'training-record.json'), 'utf8'));
}

const hiddenLeftovers = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.'));

/**
 * A whole first run, then runs SIGKILLed right after each of `kills` renames: after every kill
 * the model and the checkpoint read whole, as any reader sees them with nothing run in between.
 */
async function killAtRenames(kills: number[]): Promise<{ dir: string; out: string }> {
  const env = { MNIST_ONNX_ARTIFACTS: artifacts };
  const dir = tempDir();
  const out = join(dir, 'tfjs');
  const first = await runTrainCli([...QUICK, '--out', out, '--seed', '1'], { env });
  expect(first.code, first.stderr).toBe(0);
  for (const killAfter of kills) {
    const run = await runKilledAtRename('train', [...QUICK, '--out', out, '--seed', String(10 + killAfter)], { killAfter, env });
    expect(run.killed, `run killed after rename ${killAfter} of ${run.renames}: ${run.stderr}`).toBe(true);
    expectWholeModel(out);
    expect((await loadCheckpoint(join(dir, 'tfjs-checkpoints'))).epoch).toBe(1);
  }
  return { dir, out };
}

describe('a SIGKILL at any moment of pnpm train', () => {
  it('leaves the whole previous model and checkpoint, or the whole new ones (kills after renames 1 and 2)', async () => {
    await killAtRenames([1, 2]);
  }, 60_000);

  it('leaves whole outputs after a kill at rename 3, and the next run sweeps what killed runs left', async () => {
    const { dir, out } = await killAtRenames([3]);
    const next = await runTrainCli([...QUICK, '--out', out, '--seed', '13'], { env: { MNIST_ONNX_ARTIFACTS: artifacts } });
    expect(next.code, next.stderr).toBe(0);
    expectWholeModel(out);
    // Only the live versions the two links point at are left beside them.
    expect(hiddenLeftovers(dir), JSON.stringify(hiddenLeftovers(dir))).toHaveLength(2);
  }, 60_000);

  it('finishes a folder swap killed between its two renames when the folder was a real one (older layout)', async () => {
    const env = { MNIST_ONNX_ARTIFACTS: artifacts };
    const dir = tempDir();
    const out = join(dir, 'tfjs');
    // An empty real folder where the model goes: it must be moved aside, then the link renamed in.
    mkdirSync(out);
    // The old layout's litter: an unfinished fill and a moved-aside folder of a dead process.
    mkdirSync(join(dir, '.tfjs-checkpoints.999999999.0badc0de.tmp'));
    mkdirSync(join(dir, '.tfjs-checkpoints.999999999.0badc0de.tmp.old'));
    // Renames: checkpoint (2), then the model: fill → version, real folder → aside, [kill], link → folder.
    const run = await runKilledAtRename('train', [...QUICK, '--out', out, '--seed', '1'], { killAfter: 4, env });
    expect(run.killed).toBe(true);
    // The checkpoint of the one epoch was committed: resuming finds the run done and saves the model.
    const resumed = await runTrainCli([...QUICK, '--out', out, '--seed', '1', '--resume'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expectWholeModel(out);
    expect(hiddenLeftovers(dir), JSON.stringify(hiddenLeftovers(dir))).toHaveLength(2);
  }, 60_000);

  it('refuses a second run aimed at the same folders while the first runs, in one line', async () => {
    const env = { MNIST_ONNX_ARTIFACTS: artifacts };
    const dir = tempDir();
    const out = join(dir, 'tfjs');
    let second: ReturnType<typeof runTrainCli> | undefined;
    // The first run trains until the second has been answered, then is killed.
    const first = runTrainCli([...quick({ epochs: 100, maxBatches: 40, trainLimit: 2000 }), '--json', '--out', out], {
      env,
      onStderr: (text, kill) => {
        if (second || !text.includes('backend: ')) return;
        second = runTrainCli([...QUICK, '--out', out], { env });
        void second.finally(kill);
      },
    });
    expect((await first).signal).toBe('SIGKILL');
    const refused = await second!;
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(new RegExp(`^error: --out ${out}: another run \\(pid \\d+\\) is writing there; wait for it to finish, or stop it$`));
  }, 60_000);

  it('gives sibling --out folders their own checkpoints, so each resumes its own run', async () => {
    const env = { MNIST_ONNX_ARTIFACTS: artifacts };
    const dir = tempDir();
    for (const name of ['a', 'b']) expect((await runTrainCli([...QUICK, '--out', join(dir, name), '--seed', name === 'a' ? '1' : '2'], { env })).code).toBe(0);
    for (const name of ['a', 'b']) {
      const resumed = await runTrainCli([...QUICK, '--out', join(dir, name), '--seed', name === 'a' ? '1' : '2', '--resume'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
    }
    expect(readdirSync(dir).filter((name) => !name.startsWith('.')).sort()).toEqual(['a', 'a-checkpoints', 'b', 'b-checkpoints']);
  }, 60_000);
});
