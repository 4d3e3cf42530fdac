import { classifyAdapter, type AdapterIdentity } from '@mnist-onnx/devices';

/** The parts of the WebGPU API the probe touches (the DOM typings here do not include it). */
interface GpuAdapterLike {
  info?: AdapterIdentity;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export type WebGpuProbe =
  | {
      available: true;
      /** Vendor, architecture, device and description, as far as the browser tells them. */
      adapter: string;
      /** A software rasteriser (SwiftShader, llvmpipe/lavapipe, WARP) or a fallback adapter. */
      software: boolean;
    }
  | { available: false; reason: string };

let probed: Promise<WebGpuProbe> | undefined;

/**
 * Whether this browser can run the WebGPU execution provider, and if not, why — in words a
 * user can act on. Asking for an adapter is the real test: `navigator.gpu` alone can exist
 * with no usable GPU behind it. Asked once per page: the answer does not change while it is open.
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probed ??= requestAdapter();
  return probed;
}

async function requestAdapter(): Promise<WebGpuProbe> {
  if (!globalThis.isSecureContext) {
    return { available: false, reason: 'WebGPU needs a secure context (https:// or http://127.0.0.1)' };
  }
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) {
    return { available: false, reason: 'this browser does not offer WebGPU (navigator.gpu is missing; Chromium without a GPU needs --enable-unsafe-webgpu)' };
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: `requesting a WebGPU adapter failed: ${(error as Error).message}` };
  }
  if (!adapter) return { available: false, reason: 'the browser found no WebGPU adapter (GPU disabled or blocklisted)' };
  // The one software-adapter rule, shared with Node (packages/devices).
  // GPUAdapterInfo's fields are prototype getters, which a spread would drop: name each one.
  const info = adapter.info ?? {};
  const classified = classifyAdapter({
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter,
  });
  return { available: true, adapter: classified.description, software: classified.kind === 'software' };
}
