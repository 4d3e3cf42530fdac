import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI_ENTRIES, REPO_ROOT, type CliName } from './paths.js';
import { GPU_ENV_KEYS } from './gpu-env.js';

export interface RenameKillRun {
  /** Renames that completed before the kill (or in all, when the run ended by itself). */
  renames: number;
  killed: boolean;
  code: number | null;
  /** The CLI's own stderr (strace's lines left out). */
  stderr: string;
}

/** strace's line for a rename that completed, then was held back by the injected delay. */
const DELAYED_RENAME = /^(\[pid +\d+\] )?(<\.\.\. )?rename(at2?)?[ (].*= 0 \(DELAYED\)$/;

/**
 * Runs a CLI under `strace`, which holds every rename(2) for `delayMs` after it completes, and
 * SIGKILLs it (the whole process group: strace and the CLI at once) right after the `killAfter`-th
 * rename, so the kill lands in the window between that rename and the next step. A real kill of
 * the real CLI at a chosen moment, with the window between two renames made wide enough to hit.
 */
export function runKilledAtRename(name: CliName, args: string[], options: { killAfter: number; delayMs?: number; env?: NodeJS.ProcessEnv }): Promise<RenameKillRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...options.env };
  for (const key of GPU_ENV_KEYS) if (!options.env?.[key]) delete env[key];
  const syscalls = 'rename,renameat,renameat2';
  const strace = ['-f', '-qq', '-e', `trace=${syscalls}`, '-e', `inject=${syscalls}:delay_exit=${(options.delayMs ?? 300) * 1000}`];
  return new Promise((resolve, reject) => {
    const child = spawn('strace', [...strace, process.execPath, '--import', 'tsx', join(REPO_ROOT, CLI_ENTRIES[name]), ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let renames = 0;
    let killed = false;
    let stderr = '';
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (DELAYED_RENAME.test(line)) {
          renames++;
          if (renames === options.killAfter && !killed) {
            killed = true;
            process.kill(-child.pid!, 'SIGKILL');
          }
        } else if (!/^(\[pid +\d+\] )?(<\.\.\. )?rename/.test(line)) {
          stderr += `${line}\n`;
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ renames, killed, code, stderr }));
  });
}
