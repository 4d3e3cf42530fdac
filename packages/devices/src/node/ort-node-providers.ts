import { availableParallelism } from 'node:os';
import { listSupportedBackends } from 'onnxruntime-node';
import { adapterDetection, classifyAdapter } from '../adapter-rule.js';
import { available, PRIORITY, unavailable, type DeviceEntry, type Detection, type RequestMode } from '../device.js';
import { probeDawnAdapter } from './dawn-adapter.js';
import { nvidiaDriverLoaded, ORT_CUDA_LIBRARY, ortBinaryDirInPackage, ortCudaLibrary } from './machine.js';

/** onnxruntime-node's execution providers: what `pnpm infer --ep` accepts besides `auto`. */
export type OrtNodeProviderName = 'cuda' | 'webgpu' | 'cpu';

const CUDA_PLATFORMS = ['linux/x64', 'win32/x64'];
const CUDA_HOW_TO = 'see "CUDA" in packages/infer-node/README.md';

const ortHas = (name: string, bundled = false) => listSupportedBackends().some((b) => b.name === name && (!bundled || b.bundled));

/**
 * The CUDA EP is usable when this platform has one, the provider library that onnxruntime-node's
 * installer downloads (`ONNXRUNTIME_NODE_INSTALL=cuda12`) is in place, and an NVIDIA driver is
 * loaded. Creating the session is the final word (it fails when no device answers), but these
 * checks come first so a CPU-only machine never makes ONNX Runtime log a failed dlopen.
 */
export function detectOrtCuda(): Detection {
  const platform = `${process.platform}/${process.arch}`;
  if (!CUDA_PLATFORMS.includes(platform)) return unavailable(`onnxruntime-node has a CUDA EP only on ${CUDA_PLATFORMS.join(' and ')}, not ${platform}`);
  if (!ortHas('cuda')) return unavailable('this onnxruntime-node build has no CUDA EP');
  if (!ortCudaLibrary()) {
    return unavailable(`CUDA provider libraries are not installed (no ${ORT_CUDA_LIBRARY} in onnxruntime-node's ${ortBinaryDirInPackage()} folder; ${CUDA_HOW_TO})`, 'reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine that can download it');
  }
  if (!nvidiaDriverLoaded()) return unavailable('no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)', 'install the NVIDIA driver, or run on a machine with an NVIDIA GPU');
  return available({ notes: ['CUDA EP (NVIDIA GPU)'] });
}

/**
 * onnxruntime-node's WebGPU EP embeds Dawn, which on Linux drives Vulkan. `auto` takes it only on
 * a hardware adapter: on a software one (SwiftShader) the CPU EP is far faster.
 */
export async function detectOrtWebGpu(mode: RequestMode): Promise<Detection> {
  if (!ortHas('webgpu', true)) return unavailable('this onnxruntime-node build has no WebGPU EP (bundled only on some platforms, e.g. linux/x64)');
  const dawn = await probeDawnAdapter();
  if (!dawn.found) return unavailable(`no WebGPU adapter found (${dawn.problem})`, 'install libvulkan1 and a Vulkan driver for your GPU (mesa-vulkan-drivers, or the vendor driver)');
  return adapterDetection(classifyAdapter(dawn.identity), mode, 'cpu');
}

/** The registry, GPU first, as transformers.js orders devices in Node; cpu always answers. */
export const ORT_NODE_PROVIDERS: readonly DeviceEntry<OrtNodeProviderName>[] = [
  { name: 'cuda', priority: PRIORITY.nativeGpu, gpu: true, description: 'onnxruntime-node CUDA EP (NVIDIA GPU)', detect: () => detectOrtCuda() },
  { name: 'webgpu', priority: PRIORITY.webgpu, gpu: true, description: 'onnxruntime-node WebGPU EP (Dawn on Vulkan)', detect: (mode) => detectOrtWebGpu(mode) },
  { name: 'cpu', priority: PRIORITY.nativeCpu, gpu: false, description: 'onnxruntime-node CPU EP (MLAS)', detect: () => available({ threads: availableParallelism(), notes: [] }) },
];
