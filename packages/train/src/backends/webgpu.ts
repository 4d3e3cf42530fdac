import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { activate, unavailable, type BackendEntry } from './backend.js';

const LINUX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];

/**
 * On Linux, Dawn reaches the GPU through the Vulkan loader. Without it Dawn only prints
 * native warnings on stderr and finds nothing, so say what is missing before loading Dawn.
 */
function vulkanLoaderMissing(): boolean {
  if (process.platform !== 'linux') return false;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LINUX_LIBRARY_DIRS];
  return !dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/**
 * tfjs-backend-webgpu in Node on Dawn (the npm package `webgpu`). The backend looks for
 * `navigator.gpu` when it is imported, so the globals are installed first.
 */
export const webgpuBackend: BackendEntry = {
  name: 'webgpu',
  priority: 2,
  description: '@tensorflow/tfjs-backend-webgpu on Dawn (npm package webgpu)',
  async start({ auto }) {
    if (vulkanLoaderMissing()) throw unavailable('no Vulkan loader (libvulkan.so.1): install libvulkan1 or add its folder to LD_LIBRARY_PATH');
    let gpu: GPU;
    try {
      const dawn = await import('webgpu');
      Object.assign(globalThis, dawn.globals);
      gpu = dawn.create([]);
    } catch (error) {
      throw unavailable(`the Dawn bindings (npm package webgpu) failed to load (${(error as Error).message})`, error);
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw unavailable('no WebGPU adapter (Dawn found no Vulkan device)');
    const info = adapter.info;
    const described = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    // A software rasteriser (SwiftShader) trains far slower than wasm: never pick it for auto.
    const software = info.isFallbackAdapter === true || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
    if (auto && software) throw unavailable(`only a software GPU adapter (${described}), slower than wasm`);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    await activate('webgpu');
    return { name: 'webgpu', tfjsName: 'webgpu', notes: [`WebGPU adapter: ${described}${software ? ' (software fallback)' : ''}`] };
  },
};
