import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputPaths, OutputPathError } from '@mnist-onnx/mnist/node';

const fresh = () => mkdtempSync(join(tmpdir(), 'output-paths-'));

describe('checkOutputPaths', () => {
  it('accepts distinct outputs in folders that do not exist yet', async () => {
    const dir = fresh();
    await expect(checkOutputPaths([
      { flag: '--out', path: join(dir, 'a', 'model.onnx'), kind: 'file' },
      { flag: '--report', path: join(dir, 'b', 'report.json'), kind: 'file' },
    ])).resolves.toBeUndefined();
  });

  it('refuses two outputs that are the same file, however spelled', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub'), join(dir, 'alias'));
    const out = join(dir, 'sub', 'x.onnx');
    for (const report of [out, join(dir, 'sub', '.', 'x.onnx'), join(dir, 'other', '..', 'sub', 'x.onnx'), join(dir, 'alias', 'x.onnx')]) {
      const error = await checkOutputPaths([
        { flag: '--out', path: out, kind: 'file' },
        { flag: '--report', path: report, kind: 'file' },
      ]).catch((e: unknown) => e);
      expect(error, report).toBeInstanceOf(OutputPathError);
      expect((error as Error).message).toBe(`--report ${report}: is the same file as --out ${out}; give each output its own path`);
    }
  });

  it('refuses a folder where a file goes, a file where a folder goes, a path through a file, and the root', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'file'), '');
    const cases: [Parameters<typeof checkOutputPaths>[0][number], string][] = [
      [{ flag: '--out', path: dir, kind: 'file' }, 'is a folder; expected a file name'],
      [{ flag: '--out', path: join(dir, 'file'), kind: 'folder' }, 'is a file; expected a folder'],
      [{ flag: '--out', path: join(dir, 'file', 'x.onnx'), kind: 'file' }, 'a part of the path is a file, not a folder'],
      [{ flag: '--out', path: join(dir, 'file', 'a', 'x.onnx'), kind: 'file' }, 'a part of the path is a file, not a folder'],
      [{ flag: '--out', path: '/', kind: 'file' }, 'is the root folder; name a file inside a folder'],
    ];
    for (const [output, problem] of cases) {
      await expect(checkOutputPaths([output]), output.path).rejects.toThrow(`--out ${output.path}: ${problem}`);
    }
  });

  it('refuses an output inside a folder output, which is replaced as a whole', async () => {
    const dir = fresh();
    await expect(checkOutputPaths([
      { flag: '--out', path: join(dir, 'tfjs'), kind: 'folder' },
      { flag: '--checkpoint-dir', path: join(dir, 'tfjs', 'checkpoints'), kind: 'folder' },
    ])).rejects.toThrow(`--checkpoint-dir ${join(dir, 'tfjs', 'checkpoints')}: is inside --out ${join(dir, 'tfjs')}, which is replaced as a whole; put it elsewhere`);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder that does not take writes (root writes anywhere)', async () => {
    const { chmodSync } = await import('node:fs');
    const dir = fresh();
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o555);
    await expect(checkOutputPaths([{ flag: '--out', path: join(dir, 'ro', 'm'), kind: 'folder' }])).rejects.toThrow(`--out ${join(dir, 'ro', 'm')}: cannot write in ${join(dir, 'ro')} (EACCES)`);
  });
});
