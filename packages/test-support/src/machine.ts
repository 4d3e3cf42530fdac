import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { classifyAdapter, type AdapterIdentity } from '@mnist-onnx/devices';
import { GPU_ENV_KEYS } from './gpu-env.js';

/**
 * What this machine has, found out independently of the code under test, so that a test can
 * assert the branch the code must take here: CPU-only CI, a laptop with libvulkan1, a GPU
 * server with CUDA. Nothing here decides for the product; it only tells the tests.
 */

const require = createRequire(import.meta.url);

const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/usr/local/lib'];

/** True when the Vulkan loader (libvulkan.so.1) can be found by a child run with `env` added to ours. */
export function hasVulkanLoader(env: NodeJS.ProcessEnv = {}): boolean {
  if (process.platform !== 'linux') return true;
  const path = { ...process.env, ...env }.LD_LIBRARY_PATH ?? '';
  const dirs = [...path.split(':').filter(Boolean), ...LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/** True when `pkg` can be imported from the package of `fromUrl` (a test's import.meta.url). */
export function isInstalled(pkg: string, fromUrl: string): boolean {
  try {
    createRequire(fromUrl).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** True when onnxruntime-node's CUDA provider library is in its binary folder. */
export function hasOrtCudaProvider(): boolean {
  const bin = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin');
  const find = (dir: string): boolean =>
    existsSync(dir) && readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? find(join(dir, e.name)) : /onnxruntime_providers_cuda\.(so|dll)$/.test(e.name)));
  return find(bin);
}

/** True when an NVIDIA kernel driver is loaded. */
export const hasNvidiaDriver = () => existsSync('/proc/driver/nvidia/version');

export type AdapterKind = 'hardware' | 'software' | 'none';

export interface AdapterSeen {
  kind: AdapterKind;
  description: string;
}

// Asks Dawn (npm `webgpu`) directly, in a child so that a crashing driver cannot take the runner down.
const PROBE = `
const { create } = await import(process.argv[1]);
const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = a ? a.info ?? {} : {};
process.stdout.write(JSON.stringify(a ? { found: true, identity: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter) } } : { found: false }));
process.exit(0);`;

/** The WebGPU adapter Dawn in Node finds with `env` added to the test runner's own. */
export function dawnAdapter(env: NodeJS.ProcessEnv = {}): Promise<AdapterSeen> {
  const webgpu = pathToFileURL(require.resolve('webgpu')).href;
  return new Promise((resolve, reject) => {
    // The same environment runCli gives a CLI: the runner's own, without inherited Vulkan driver choices.
    const base = { ...process.env };
    for (const key of GPU_ENV_KEYS) delete base[key];
    execFile(process.execPath, ['--input-type=module', '-e', PROBE, webgpu], { env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      // A probe that crashed or hung is not "no adapter": say so instead of guessing a branch.
      let seen: { found: boolean; identity?: AdapterIdentity };
      try {
        if (error) throw error;
        seen = JSON.parse(stdout) as typeof seen;
      } catch (cause) {
        return reject(new Error(`the Dawn adapter probe failed: ${String(stderr).trim().split('\n')[0] || (cause as Error).message}`, { cause }));
      }
      if (!seen.found) return resolve({ kind: 'none', description: '' });
      // The project's one software-adapter rule decides which branch a test expects.
      resolve(classifyAdapter(seen.identity ?? {}));
    });
  });
}
