import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import type { ProviderCheck } from './execution-provider.js';

/** Where onnxruntime-node keeps its native libraries, and where its installer puts the CUDA ones. */
export function ortBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('onnxruntime-node'); // …/onnxruntime-node/dist/index.js
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

const CUDA_PLATFORMS = ['linux/x64', 'win32/x64'];
const providerLibrary = () => (process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so');
const HOW_TO = 'see "CUDA" in packages/infer-node/README.md';

/**
 * The CUDA EP is usable when this platform has one, the provider library that onnxruntime-node's
 * installer downloads (`ONNXRUNTIME_NODE_INSTALL=cuda12`) is in place, and an NVIDIA driver is
 * loaded. Creating the session is the final word (it fails when no device answers), but these
 * checks come first so a CPU-only machine never makes ONNX Runtime log a failed dlopen.
 */
export function detectCuda(): ProviderCheck {
  const platform = `${process.platform}/${process.arch}`;
  if (!CUDA_PLATFORMS.includes(platform)) {
    return { available: false, reason: `onnxruntime-node has a CUDA EP only on ${CUDA_PLATFORMS.join(' and ')}, not ${platform}` };
  }
  if (!listSupportedBackends().some((backend) => backend.name === 'cuda')) {
    return { available: false, reason: 'this onnxruntime-node build has no CUDA EP' };
  }
  const library = join(ortBinaryDir(), providerLibrary());
  if (!existsSync(library)) {
    return { available: false, reason: `CUDA provider libraries are not installed (no ${providerLibrary()} in onnxruntime-node's ${relative(join(dirname(library), '..', '..', '..', '..'), dirname(library))} folder; ${HOW_TO})` };
  }
  if (process.platform === 'linux' && !existsSync('/proc/driver/nvidia/version')) {
    return { available: false, reason: 'no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)' };
  }
  return { available: true };
}
