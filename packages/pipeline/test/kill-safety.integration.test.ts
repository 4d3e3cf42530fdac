import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTfjsModel } from '@mnist-onnx/export';
import { createSession, readModelFile } from '@mnist-onnx/infer-node';
import { exportReportContract, inferenceReportContract, trainingRecordContract } from '@mnist-onnx/mnist/artifacts';
import { readArtifact } from '@mnist-onnx/mnist/node';
import { loadCheckpoint } from '@mnist-onnx/train';
import { runCli, runKilledAtRename, tempDir } from '@mnist-onnx/test-support';
import { beforeAll, describe, expect, it } from 'vitest';

// `pnpm start` SIGKILLed at chosen moments, each time with a whole set of outputs on disk from
// a run before: every output must read whole after every kill (the old version or the new one).
const START = ['--epochs', '1', '--backend', 'wasm'];
let artifacts: string;

beforeAll(async () => {
  artifacts = tempDir('pnpm-start-kill-');
  const first = await runCli('start', START, { env: { MNIST_ONNX_ARTIFACTS: artifacts } });
  expect(first.code, first.stderr).toBe(0);
}, 180_000);

/** Every output of `pnpm start` reads whole, as its own reader reads it (an ONNX file as a session). */
async function expectWholeArtifacts(dir: string): Promise<void> {
  const model = join(dir, 'model');
  await readTfjsModel(join(model, 'tfjs'));
  await readArtifact(trainingRecordContract, join(model, 'tfjs', 'training-record.json'));
  expect((await loadCheckpoint(join(model, 'tfjs-checkpoints'))).epoch).toBeGreaterThanOrEqual(1);
  const { session } = await createSession(await readModelFile(join(model, 'mnist-mlp.onnx')), { device: 'cpu' });
  await session.release();
  await readArtifact(exportReportContract, join(model, 'export-report.json'));
  await readArtifact(inferenceReportContract, join(dir, 'infer-report.json'));
  expect((await readFile(join(dir, 'report.html'), 'utf8')).trimEnd().endsWith('</html>')).toBe(true);
}

describe('a SIGKILL at any moment of pnpm start', () => {
  // A run commits 8 renames: checkpoint (version, link), model (version, link), ONNX model,
  // export report, inference report, report.html. Kills right after renames 3, 5 and 7 land
  // inside each two-step commit and between each stage's outputs.
  it('leaves every output whole after kills inside each stage, and the next run leaves only the live versions', async () => {
    const env = { MNIST_ONNX_ARTIFACTS: artifacts };
    await expectWholeArtifacts(artifacts);
    for (const killAfter of [3, 5, 7]) {
      const run = await runKilledAtRename('start', [...START, '--seed', String(killAfter)], { killAfter, env });
      expect(run.killed, `run killed after rename ${killAfter} of ${run.renames}: ${run.stderr}`).toBe(true);
      await expectWholeArtifacts(artifacts);
    }
    const next = await runCli('start', START, { env });
    expect(next.code, next.stderr).toBe(0);
    await expectWholeArtifacts(artifacts);
    const hidden = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.'));
    expect(hidden(artifacts)).toEqual([]);
    // The model folder and the checkpoints are links to hidden versions: those two are all that is left.
    expect(hidden(join(artifacts, 'model')).sort()).toEqual([expect.stringMatching(/^\.tfjs-checkpoints\.\d+\.[0-9a-f]+\.v$/), expect.stringMatching(/^\.tfjs\.\d+\.[0-9a-f]+\.v$/)]);
  }, 180_000);
});
