import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const tempDir = () => mkdtempSync(join(tmpdir(), 'export-outputs-'));

/** `pnpm export …` as the root script runs it; resolves with its exit code and `error:` lines. */
function runCli(_name: 'export', args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'packages/export/src/cli.ts', ...args], { cwd: repo }, (error, _stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
    });
  });
}
const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('error: '));

// Every output is checked before anything is read, converted or verified: these runs need no
// model at all (--in names none), and must fail on their outputs first.
describe('pnpm export checks every output path before it starts', () => {
  it('--out and --report naming one file, in any spelling, is one line and exit 1, with nothing written', async () => {
    const dir = tempDir();
    const out = join(dir, 'x.onnx');
    writeFileSync(out, 'the previous model');
    for (const report of [out, join(dir, '.', 'x.onnx'), join(dir, 'sub', '..', 'x.onnx')]) {
      const run = await runCli('export', ['--in', join(dir, 'no-model'), '--out', out, '--report', report]);
      expect(run.code).toBe(1);
      expect(errorLines(run.stderr)).toEqual([`error: --report ${report}: is the same file as --out ${out}; give each output its own path`]);
      expect(readFileSync(out, 'utf8')).toBe('the previous model');
    }
  });

  it('a folder as --report or --out fails before the model file is touched', async () => {
    const dir = tempDir();
    const out = join(dir, 'x.onnx');
    writeFileSync(out, 'the previous model');
    mkdirSync(join(dir, 'reports'));
    const report = await runCli('export', ['--in', join(dir, 'no-model'), '--out', out, '--report', join(dir, 'reports')]);
    expect(errorLines(report.stderr)).toEqual([`error: --report ${join(dir, 'reports')}: is a folder; expected a file name`]);
    const root = await runCli('export', ['--in', join(dir, 'no-model'), '--out', '/']);
    expect(errorLines(root.stderr)).toEqual(['error: --out /: is the root folder; name a file inside a folder']);
    expect(readFileSync(out, 'utf8')).toBe('the previous model');
  });
});
