import { createRequire } from 'node:module';
import { adapterDetection, classifyAdapter } from '../adapter-rule.js';
import { available, PRIORITY, unavailable, type DeviceEntry, type Detection, type RequestMode } from '../device.js';
import { probeDawnAdapter } from './dawn-adapter.js';
import { nvidiaDriverLoaded, vulkanLoader } from './machine.js';

/** The tfjs backends `pnpm train --backend` accepts besides `auto`. */
export type TrainingBackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Whether `pkg` resolves from `fromUrl` (the package that would import it), without loading it. */
function resolvable(pkg: string, fromUrl: string): boolean {
  try {
    createRequire(fromUrl).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

// tfjs-node and tfjs-node-gpu are deliberately optional: their install scripts download
// libtensorflow (tfjs-node-gpu: built for CUDA 11.2 + cuDNN 8.1). See the README, "CUDA".
const installedOr = (pkg: string, fromUrl: string, then: () => Detection): Detection =>
  resolvable(pkg, fromUrl) ? then() : unavailable(`package ${pkg} not installed`, `pnpm --filter @mnist-onnx/train add ${pkg} (see "CUDA" in the README)`);

/** tfjs-backend-webgpu on Dawn (npm `webgpu`): a Vulkan loader, then a hardware adapter for auto. */
export async function detectTfjsWebGpu(mode: RequestMode): Promise<Detection> {
  if (!vulkanLoader()) return unavailable('no Vulkan loader (libvulkan.so.1): install libvulkan1 or add its folder to LD_LIBRARY_PATH', 'apt-get install libvulkan1 and a Vulkan driver for your GPU');
  const dawn = await probeDawnAdapter();
  if (!dawn.found) return unavailable(`no WebGPU adapter found (${dawn.problem})`, 'install a Vulkan driver for your GPU (mesa-vulkan-drivers, or the vendor driver)');
  return adapterDetection(classifyAdapter(dawn.identity), mode, 'wasm');
}

/**
 * The training backends' detections, in priority order. `fromUrl` is the module that imports the
 * optional packages (train's backends), so that "installed" means "importable from there".
 * Detection is cheap; starting a backend (train/src/backends) is the final word.
 */
export function trainingBackends(fromUrl: string): readonly DeviceEntry<TrainingBackendName>[] {
  return [
    {
      name: 'tensorflow-gpu', priority: PRIORITY.nativeGpu, gpu: true, description: '@tensorflow/tfjs-node-gpu (libtensorflow with CUDA)',
      detect: () => installedOr('@tensorflow/tfjs-node-gpu', fromUrl, () => (nvidiaDriverLoaded() ? available() : unavailable('no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)'))),
    },
    { name: 'webgpu', priority: PRIORITY.webgpu, gpu: true, description: '@tensorflow/tfjs-backend-webgpu on Dawn (npm package webgpu)', detect: (mode) => detectTfjsWebGpu(mode) },
    { name: 'tensorflow', priority: PRIORITY.nativeCpu, gpu: false, description: '@tensorflow/tfjs-node (libtensorflow on the CPU)', detect: () => installedOr('@tensorflow/tfjs-node', fromUrl, () => available()) },
    { name: 'wasm', priority: PRIORITY.wasm, gpu: false, description: '@tensorflow/tfjs-backend-wasm (WebAssembly, SIMD; one thread in Node)', detect: () => installedOr('@tensorflow/tfjs-backend-wasm', fromUrl, () => available({ threads: 1 })) },
    { name: 'cpu', priority: PRIORITY.javascript, gpu: false, description: '@tensorflow/tfjs-backend-cpu (plain JavaScript)', detect: () => available({ threads: 1 }) },
  ];
}
