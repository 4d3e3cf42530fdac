import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI_ENTRIES, REPO_ROOT, type CliName } from './paths.js';
import { GPU_ENV_KEYS } from './gpu-env.js';

export interface CliRun {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to the environment. The test runner's GPU variables are dropped unless given here. */
  env?: NodeJS.ProcessEnv;
  /** Kill the child (SIGKILL) after this long; the run then ends with signal SIGKILL. */
  timeoutMs?: number;
  /** Called with all of stderr so far on every chunk; `kill()` SIGKILLs the child. */
  onStderr?: (stderr: string, kill: () => void) => void;
  cwd?: string;
  /** Run this instead of `node --import tsx <entry>` (the args follow it), e.g. under a measuring tool. */
  command?: string[];
}

/**
 * Runs a package's CLI as `pnpm <name>` runs it (`node --import tsx <entry>`), in a child
 * process from the repository root, and collects its exit status and output.
 */
export function runCli(name: CliName, args: string[], options: CliOptions = {}): Promise<CliRun> {
  const base: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  for (const key of GPU_ENV_KEYS) delete base[key];
  return new Promise((resolve, reject) => {
    const [program, ...prefix] = options.command ?? [process.execPath, '--import', 'tsx', join(REPO_ROOT, CLI_ENTRIES[name])];
    const child = spawn(program, [...prefix, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...base, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const kill = () => child.kill('SIGKILL');
    const timer = options.timeoutMs ? setTimeout(kill, options.timeoutMs) : undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr, kill);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The `error: …` lines a CLI printed (each CLI prints exactly one on failure). */
export const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('error: '));
