/**
 * The device policy's vocabulary, shared by every place that picks where to compute: tfjs
 * training backends (Node and page), onnxruntime-node execution providers and onnxruntime-web
 * execution providers. Each is a registry of entries with a priority and a detection; one
 * selection routine (select-device.ts) walks any of them the same way.
 */

/** Whether a GPU adapter is real hardware or a software rasteriser posing as one. */
export type AdapterKind = 'hardware' | 'software';

export interface AdapterInfo {
  kind: AdapterKind;
  /** Vendor / architecture / description, as the adapter names itself. */
  description: string;
}

/** What a detection found out about a device that can run. */
export interface DeviceFacts {
  /** The GPU adapter it would run on (GPU devices only). */
  adapter?: AdapterInfo;
  /** Threads it computes with, when it says. */
  threads?: number;
  /** Other facts worth recording with a run (SIMD, driver, versions). */
  notes: string[];
}

/** The answer of a detection: the device can run here (with facts), or why not and what to do. */
export type Detection =
  | { available: true; facts: DeviceFacts }
  | { available: false; reason: string; fix?: string };

/** How a device was asked for: by `auto`, or by its name (which accepts what auto refuses). */
export type RequestMode = 'auto' | 'explicit';

export interface DeviceEntry<Name extends string = string> {
  name: Name;
  /** Lower is tried first; one scale everywhere (see PRIORITY). */
  priority: number;
  /** What it is, for --help, `pnpm devices` and error messages. */
  description: string;
  /** True when it computes on a GPU. */
  gpu: boolean;
  /** Cheap feature detection. `mode` matters for rules that differ between auto and explicit. */
  detect(mode: RequestMode): Promise<Detection> | Detection;
}

/**
 * The one priority scale: native GPU stacks first, then WebGPU, then native CPU libraries,
 * then WebAssembly, then plain JavaScript. Gaps leave room for more.
 */
export const PRIORITY = { nativeGpu: 10, webgpu: 20, webgl: 25, nativeCpu: 30, wasm: 40, javascript: 50 } as const;

/** A device `auto` passed over, and why: the one shape every package reports. */
export interface SkippedDevice {
  name: string;
  reason: string;
}

/** `skipped webgpu: only a software adapter (…); wasm is faster` — the one way to print it. */
export const formatSkipped = (skipped: SkippedDevice) => `skipped ${skipped.name}: ${skipped.reason}`;

export const available = (facts: Partial<DeviceFacts> = {}): Detection => ({ available: true, facts: { notes: [], ...facts } });
export const unavailable = (reason: string, fix?: string): Detection => ({ available: false, reason, ...(fix ? { fix } : {}) });
