import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportReportContract } from '@mnist-onnx/mnist/artifacts';
import { readArtifact } from '@mnist-onnx/mnist/node';
import { runCli, runKilledAtRename, tempDir, useTempArtifacts } from '@mnist-onnx/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestModel, saveTfjsModel } from './support/tfjs-models.js';

// `pnpm export` commits two files, each with one rename: the ONNX model, then its report. Runs
// SIGKILLed right after each rename (strace holds every rename 300 ms so the kill lands there)
// must leave each file whole: the old version or the new one, byte for byte for the model.

let modelDir: string;
let env: NodeJS.ProcessEnv;
/** What a whole run writes: the old form (logits only), the new one (with probabilities). */
const versions: Record<'old' | 'new', Uint8Array> = { old: new Uint8Array(), new: new Uint8Array() };

const exportArgs = (dir: string, form: 'old' | 'new') => ['--in', modelDir, '--out', join(dir, 'model.onnx'), ...(form === 'new' ? ['--probabilities'] : [])];

async function exportWhole(dir: string, form: 'old' | 'new'): Promise<Uint8Array> {
  const run = await runCli('export', exportArgs(dir, form), { env });
  expect(run.code, run.stderr).toBe(0);
  return new Uint8Array(readFileSync(join(dir, 'model.onnx')));
}

/** The model is byte for byte one whole version, and the report reads whole under its contract. */
async function expectWholeOutputs(dir: string): Promise<void> {
  const model = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  expect([versions.old, versions.new].some((whole) => Buffer.compare(whole, model) === 0), `model.onnx (${model.length} bytes) is neither whole version`).toBe(true);
  await readArtifact(exportReportContract, join(dir, 'export-report.json'));
}

beforeAll(async () => {
  env = { MNIST_ONNX_ARTIFACTS: useTempArtifacts() };
  modelDir = await saveTfjsModel(buildTestModel('relu'), join(tempDir(), 'tfjs'));
  versions.new = await exportWhole(tempDir(), 'new');
}, 60_000);

describe('a SIGKILL at any moment of pnpm export', () => {
  it('leaves each output whole after a kill at either rename, and the next run leaves nothing hidden behind', async () => {
    const dir = tempDir();
    versions.old = await exportWhole(dir, 'old');
    expect(Buffer.compare(versions.old, versions.new)).not.toBe(0);
    for (const killAfter of [1, 2]) {
      const run = await runKilledAtRename('export', exportArgs(dir, 'new'), { killAfter, env });
      expect(run.killed, `run killed after rename ${killAfter} of ${run.renames}: ${run.stderr}`).toBe(true);
      await expectWholeOutputs(dir);
    }
    // After rename 1 (and the end of the kill at 2) the new model is in place.
    expect(Buffer.compare(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), versions.new)).toBe(0);
    await exportWhole(dir, 'old');
    await expectWholeOutputs(dir);
    expect(readdirSync(dir).sort()).toEqual(['export-report.json', 'model.onnx']);
  }, 60_000);
});
