import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/**
 * Facts about this machine that the Node detections share: which native libraries and
 * optional packages are present. Each answers from the file system only, so that asking is
 * cheap and never makes a native library print or crash.
 */

const require = createRequire(import.meta.url);

const LINUX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];

/**
 * Where the Vulkan loader (libvulkan.so.1) is, or null. On Linux, Dawn reaches every GPU
 * through it; without it Dawn finds nothing and only prints native warnings.
 */
export function vulkanLoader(env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform !== 'linux') return 'system';
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LINUX_LIBRARY_DIRS];
  const dir = dirs.find((d) => existsSync(join(d, 'libvulkan.so.1')));
  return dir ? join(dir, 'libvulkan.so.1') : null;
}

/** True when an NVIDIA kernel driver is loaded (Linux), or assumed present elsewhere. */
export const nvidiaDriverLoaded = () => process.platform !== 'linux' || existsSync('/proc/driver/nvidia/version');

/** Whether an optional package can be imported from here, without importing it. */
export function packageInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      return false;
    }
  }
}

/** Where onnxruntime-node keeps its native libraries, and where its installer puts the CUDA ones. */
export function ortBinaryDir(): string {
  const entry = require.resolve('onnxruntime-node'); // …/onnxruntime-node/dist/index.js
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

export const ORT_CUDA_LIBRARY = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';

/** onnxruntime-node's CUDA provider library (downloaded by `ONNXRUNTIME_NODE_INSTALL=cuda12`), or null. */
export function ortCudaLibrary(): string | null {
  const library = join(ortBinaryDir(), ORT_CUDA_LIBRARY);
  return existsSync(library) ? library : null;
}

/** The folder, relative to onnxruntime-node's package, where the CUDA library belongs. */
export const ortBinaryDirInPackage = () => relative(join(ortBinaryDir(), '..', '..', '..', '..'), ortBinaryDir());

/** True when some CUDA runtime library (libcudart) is on the loader's path. */
export function cudaRuntimeFound(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LINUX_LIBRARY_DIRS, '/usr/local/cuda/lib64'];
  return dirs.some((dir) => existsSync(dir) && readdirSync(dir).some((name) => name.startsWith('libcudart.so')));
}
