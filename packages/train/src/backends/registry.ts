import { deviceChoices, selectDevice, type SkippedDevice } from '@mnist-onnx/devices';
import { trainingBackends } from '@mnist-onnx/devices/node';
import type { BackendName, BackendStarter, StartedBackend } from './backend.js';
import { startCpu } from './cpu.js';
import { startTensorflow, startTensorflowGpu } from './tensorflow-node.js';
import { startWasm } from './wasm.js';
import { startWebgpu } from './webgpu.js';

// Detected from this folder, because the optional tfjs-node packages are imported from here.
const BACKENDS = trainingBackends(import.meta.url);

const STARTERS: Record<BackendName, BackendStarter> = {
  'tensorflow-gpu': startTensorflowGpu,
  webgpu: startWebgpu,
  tensorflow: startTensorflow,
  wasm: startWasm,
  cpu: startCpu,
};

export type BackendRequest = 'auto' | BackendName;
/** What `--backend` accepts: auto, then the backends in the order auto tries them. */
export const BACKEND_CHOICES = deviceChoices(BACKENDS) as readonly BackendRequest[];
export const BACKEND_NAMES = BACKEND_CHOICES.slice(1) as readonly BackendName[];

export type SkippedBackend = SkippedDevice;

export interface BackendSelection extends StartedBackend {
  /** Backends `auto` tried before this one, with the reason each could not be used. */
  skipped: SkippedBackend[];
}

export function listBackends() {
  return BACKENDS;
}

/**
 * Starts the requested backend through the device policy's one selection routine: `auto` takes
 * the first that passes its detection and starts, and remembers why each one before it did
 * not; a backend named explicitly that cannot start is an error, never a silent fallback.
 */
export async function selectBackend(request: string): Promise<BackendSelection> {
  const selected = await selectDevice(BACKENDS, request, (entry, facts) => STARTERS[entry.name](facts), { flag: '--backend' });
  return { ...selected.started, skipped: selected.skipped };
}
