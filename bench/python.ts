import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors.js';

/** The interpreter Debian's python3-torch is installed for (override with --python). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

export const PYTORCH_REFERENCE = script('pytorch_reference.py');
export const MATMUL_PEAK = script('matmul_peak.py');
export const OPENBLAS_PROBE = script('openblas_probe.py');

/** What torch_env.py reports about the BLAS PyTorch runs on. */
export interface TorchEnv {
  torch: string;
  torchBlasInfo: string;
  blas: string;
  libraries: string[];
  torchThreads: number;
  openblasCoretypeEnv: string | null;
  ompWaitPolicy: string | null;
  openblasPath?: string;
  openblasConfig?: string;
  openblasCore?: string;
  openblasThreads?: number;
}

function run(python: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(python, args, { timeout: timeoutMs, maxBuffer: 16 << 20, ...(env ? { env } : {}) }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Why PyTorch cannot be benchmarked with `python`, or undefined when it can. */
export async function torchMissingReason(python: string): Promise<string | undefined> {
  try {
    await run(python, ['-B', '-c', 'import torch, numpy'], 60_000);
    return undefined;
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return `${python} not found`;
    const last = (err.stderr ?? '').trim().split('\n').at(-1) || `exit code ${String(err.code)}`;
    return `${python} cannot import torch and numpy (${last}); on Debian: apt-get install python3-torch libopenblas0-pthread`;
  }
}

/** How a bench script is run: the interpreter and the environment of its process. */
export interface PythonRunner {
  python: string;
  /** The child's whole environment (the Node process's own is never changed). */
  env: NodeJS.ProcessEnv;
}

/** Runs one of the bench's Python scripts and parses the single JSON line it prints. */
export async function runPythonJson<T>(runner: PythonRunner, scriptPath: string, args: string[], timeoutMs = 120_000): Promise<T> {
  let stdout: string;
  try {
    // -B: no __pycache__ folder left in bench/.
    ({ stdout } = await run(runner.python, ['-B', scriptPath, ...args], timeoutMs, runner.env));
  } catch (error) {
    const err = error as Error & { stderr?: string };
    const detail = (err.stderr ?? '').trim().split('\n').at(-1) || err.message;
    throw new BenchError(`${scriptPath} failed: ${detail}`, { cause: error });
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch (error) {
    throw new BenchError(`${scriptPath} printed no JSON result (last line: "${line.slice(0, 120)}")`, { cause: error });
  }
}

/**
 * The environment every bench Python child starts from: the Node process's own, plus
 * OMP_WAIT_POLICY=PASSIVE for PyTorch's OpenMP pool unless --spin (a value the user set wins).
 * Set in the child only, so nothing in this process (tfjs, onnxruntime) changes with it.
 */
export function pythonBaseEnv(env: NodeJS.ProcessEnv, spin: boolean): NodeJS.ProcessEnv {
  return spin || env.OMP_WAIT_POLICY !== undefined ? { ...env } : { ...env, OMP_WAIT_POLICY: 'PASSIVE' };
}
