import { activate, unavailable, type BackendStarter } from './backend.js';

/**
 * tfjs-backend-webgpu in Node on Dawn (the npm package `webgpu`). The device policy has already
 * found the adapter in a child process and applied the software-adapter rule; this takes the
 * same adapter in-process. The backend looks for `navigator.gpu` when it is imported, so the
 * globals are installed first.
 */
export const startWebgpu: BackendStarter = async (facts) => {
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
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  await activate('webgpu');
  return { name: 'webgpu', tfjsName: 'webgpu', notes: facts.notes };
};
