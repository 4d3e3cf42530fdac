import type { AdapterIdentity, BrowserAdapter } from '@mnist-onnx/devices';

/** The parts of the WebGPU API the probe touches (the DOM typings here do not include it). */
interface GpuAdapterLike {
  info?: AdapterIdentity;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export type { BrowserAdapter } from '@mnist-onnx/devices';

let probed: Promise<BrowserAdapter> | undefined;

/**
 * Whether this browser can run the WebGPU execution provider, and if not, why — in words a
 * user can act on. Asking for an adapter is the real test: `navigator.gpu` alone can exist
 * with no usable GPU behind it. Asked once per page: the answer does not change while it is open.
 */
export function probeWebGpu(): Promise<BrowserAdapter> {
  probed ??= requestAdapter();
  return probed;
}

async function requestAdapter(): Promise<BrowserAdapter> {
  if (!globalThis.isSecureContext) {
    return { found: false, reason: 'WebGPU needs a secure context (https:// or http://127.0.0.1)' };
  }
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) {
    return { found: false, reason: 'this browser does not offer WebGPU (navigator.gpu is missing; Chromium without a GPU needs --enable-unsafe-webgpu)' };
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { found: false, reason: `requesting a WebGPU adapter failed: ${(error as Error).message}` };
  }
  if (!adapter) return { found: false, reason: 'the browser found no WebGPU adapter (GPU disabled or blocklisted)' };
  // GPUAdapterInfo's fields are prototype getters, which a spread would drop: name each one.
  // Whether it is a software adapter is the device policy's rule (@mnist-onnx/devices).
  const info = adapter.info ?? {};
  return {
    found: true,
    identity: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter,
    },
  };
}
