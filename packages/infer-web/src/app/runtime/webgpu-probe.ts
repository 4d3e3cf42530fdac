/** The parts of the WebGPU API the probe touches (the DOM typings here do not include it). */
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export type WebGpuProbe = { available: true; adapter: string } | { available: false; reason: string };

/**
 * Whether this browser can run the WebGPU execution provider, and if not, why — in words a
 * user can act on. Asking for an adapter is the real test: `navigator.gpu` alone can exist
 * with no usable GPU behind it.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
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
  const info = adapter.info ?? {};
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return { available: true, adapter: `${name}${fallback ? ' (software fallback adapter)' : ''}` };
}
