import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockOutput, OutputLockedError, replaceDirAtomic, settleOutput, writeFileAtomic } from '@mnist-onnx/mnist/node';

const fresh = () => mkdtempSync(join(tmpdir(), 'atomic-output-'));
/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
const visible = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
const hidden = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.')).sort();

describe('replaceDirAtomic', () => {
  it('makes the folder a link to one complete hidden version, and keeps only that one', async () => {
    const dir = fresh();
    const target = join(dir, 'model');
    for (const version of ['v1', 'v2', 'v3']) await replaceDirAtomic(target, 'model.json', async (temp) => writeFileSync(join(temp, 'model.json'), version));
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('v3');
    expect(visible(dir)).toEqual(['model']);
    expect(hidden(dir)).toEqual([readlinkSync(target)]);
  });

  it('replaces a real folder of the older layout, and a failed fill leaves the old version', async () => {
    const dir = fresh();
    const target = join(dir, 'model');
    mkdirSync(target);
    writeFileSync(join(target, 'model.json'), 'old');
    await expect(replaceDirAtomic(target, 'model.json', async () => {
      throw new Error('fill failed');
    })).rejects.toThrow('fill failed');
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('old');
    expect(hidden(dir)).toEqual([]);
    await replaceDirAtomic(target, 'model.json', async (temp) => writeFileSync(join(temp, 'model.json'), 'new'));
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('new');
    expect(hidden(dir)).toEqual([readlinkSync(target)]);
  });
});

describe('settleOutput', () => {
  it('finishes a swap a dead writer left between its two renames: the new version wins', async () => {
    const dir = fresh();
    const pid = deadPid();
    mkdirSync(join(dir, `.model.${pid}.abcd.v`));
    writeFileSync(join(dir, `.model.${pid}.abcd.v`, 'model.json'), 'new');
    mkdirSync(join(dir, `.model.${pid}.abcd.old`));
    symlinkSync(`.model.${pid}.abcd.v`, join(dir, `.model.${pid}.abcd.link`));
    await settleOutput(join(dir, 'model'));
    expect(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).toBe('new');
    expect(hidden(dir)).toEqual([`.model.${pid}.abcd.v`]);
  });

  it("puts back the older layout's moved-aside folder, and never brings back a folder deleted on purpose", async () => {
    const dir = fresh();
    const pid = deadPid();
    mkdirSync(join(dir, `.model.${pid}.abcd.tmp.old`));
    writeFileSync(join(dir, `.model.${pid}.abcd.tmp.old`, 'model.json'), 'old');
    mkdirSync(join(dir, `.model.${pid}.abcd.tmp`));
    await settleOutput(join(dir, 'model'));
    expect(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).toBe('old');
    expect(hidden(dir)).toEqual([]);

    const other = fresh();
    mkdirSync(join(other, `.model.${pid}.abcd.v`));
    await settleOutput(join(other, 'model'));
    expect(readdirSync(other)).toEqual([]);
  });

  it("leaves what a live writer is working on", async () => {
    const dir = fresh();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      mkdirSync(join(dir, `.model.${live.pid}.abcd.tmp`));
      writeFileSync(join(dir, `.model.json.${deadPid()}.beef.tmp`), 'half');
      await settleOutput(join(dir, 'model'));
      await writeFileAtomic(join(dir, 'model.json'), 'whole');
      expect(readdirSync(dir).sort()).toEqual([`.model.${live.pid}.abcd.tmp`, 'model.json']);
    } finally {
      live.kill();
    }
  });
});

describe('lockOutput', () => {
  it('refuses a second holder while the first lives, in one line naming the label, and frees on release', async () => {
    const dir = fresh();
    const target = join(dir, 'model');
    const release = await lockOutput(target, `--out ${target}`);
    const error = await lockOutput(target, `--out ${target}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputLockedError);
    expect((error as Error).message).toBe(`--out ${target}: another run (pid ${process.pid}) is writing there; wait for it to finish, or stop it`);
    await release();
    expect(readdirSync(dir)).toEqual([]);
    await (await lockOutput(target))();
  });

  it('takes over the lock of a dead owner, and removes the folders it made when released', async () => {
    const dir = fresh();
    writeFileSync(join(dir, '.model.lock'), JSON.stringify({ pid: deadPid() }));
    const release = await lockOutput(join(dir, 'model'));
    expect(JSON.parse(readFileSync(join(dir, '.model.lock'), 'utf8')).pid).toBe(process.pid);
    await release();
    expect(readdirSync(dir)).toEqual([]);
    const deep = join(dir, 'a', 'b', 'model');
    await (await lockOutput(deep))();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over the lock of a killed owner its parent has not reaped yet (a zombie)', async () => {
    // `sleep 0` exits at once, and the shell exec'd into `sleep 5` never waits for it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(String(chunk)))));
      await expect.poll(() => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]![0]).toBe('Z');
      const dir = fresh();
      writeFileSync(join(dir, '.model.lock'), JSON.stringify({ pid: zombie }));
      await (await lockOutput(join(dir, 'model')))();
    } finally {
      parent.kill();
    }
  });
});
