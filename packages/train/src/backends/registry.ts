import { BackendUnavailableError, TrainOptionsError } from '../errors.js';
import { BACKEND_NAMES, type BackendEntry, type BackendName, type StartedBackend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { tensorflowBackend, tensorflowGpuBackend } from './tensorflow-node.js';
import { wasmBackend } from './wasm.js';
import { webgpuBackend } from './webgpu.js';

/** Every backend this trainer knows, resolved in priority order (GPU first). */
const registry: BackendEntry[] = [tensorflowGpuBackend, webgpuBackend, tensorflowBackend, wasmBackend, cpuBackend]
  .sort((a, b) => a.priority - b.priority);

export type BackendRequest = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendRequest[] = ['auto', ...BACKEND_NAMES];

export interface SkippedBackend {
  name: BackendName;
  reason: string;
}

export interface BackendSelection extends StartedBackend {
  /** Backends `auto` tried before this one, with the reason each could not be used. */
  skipped: SkippedBackend[];
}

export function listBackends(): readonly BackendEntry[] {
  return registry;
}

/**
 * Starts the requested backend. `auto` takes the first that starts and remembers why each
 * one before it did not; a backend named explicitly that cannot start is an error.
 */
export async function selectBackend(request: string): Promise<BackendSelection> {
  if (request !== 'auto' && !BACKEND_NAMES.includes(request as BackendName)) {
    throw new TrainOptionsError(`--backend: unsupported backend "${request}". Should be one of: ${BACKEND_CHOICES.join(', ')}`);
  }
  if (request !== 'auto') {
    const entry = registry.find((b) => b.name === request)!;
    try {
      return { ...(await entry.start({ auto: false })), skipped: [] };
    } catch (error) {
      const reason = error instanceof BackendUnavailableError ? error.message : String(error);
      throw new BackendUnavailableError(`--backend ${request}: cannot start: ${reason}`, { cause: error });
    }
  }
  const skipped: SkippedBackend[] = [];
  for (const entry of registry) {
    try {
      return { ...(await entry.start({ auto: true })), skipped };
    } catch (error) {
      skipped.push({ name: entry.name, reason: error instanceof BackendUnavailableError ? error.message : String(error) });
    }
  }
  throw new BackendUnavailableError(`no available backend found. ERR: ${skipped.map((s) => `[${s.name}] ${s.reason}`).join(', ')}`);
}
