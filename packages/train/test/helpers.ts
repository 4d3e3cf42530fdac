import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CLI = join(REPO_ROOT, 'packages/train/src/cli.ts');

export const tempDir = (prefix = 'train-test-') => mkdtempSync(join(tmpdir(), prefix));

/**
 * The embedded IDX files are materialised once per test process under a temporary artifacts
 * folder, so tests never touch a user's artifacts.
 */
export function useTempArtifacts(): string {
  process.env.MNIST_ONNX_ARTIFACTS ??= tempDir('train-artifacts-');
  return process.env.MNIST_ONNX_ARTIFACTS;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm train`'s entry point (`node --import tsx packages/train/src/cli.ts`) as a child. */
export function runTrainCli(args: string[], options: { env?: NodeJS.ProcessEnv; onStderr?: (text: string, kill: () => void) => void } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      options.onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** The environment that makes Dawn find SwiftShader's Vulkan driver (from Debian's chromium). */
export const SWIFTSHADER_ENV = {
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
  LD_LIBRARY_PATH: '/usr/lib/chromium',
  XDG_RUNTIME_DIR: '/tmp',
};

/** Environment without any Vulkan driver: Dawn finds no adapter. */
export const NO_GPU_ENV = { VK_ICD_FILENAMES: '/nonexistent/icd.json', LD_LIBRARY_PATH: '' };
