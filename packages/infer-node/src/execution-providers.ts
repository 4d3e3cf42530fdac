import { detectCuda } from './cuda-detect.js';
import { ExecutionProviderError } from './errors.js';
import { DEVICES, type ExecutionProviderEntry } from './execution-provider.js';
import { detectWebGpu } from './webgpu-detect.js';

// The registry, in one place: GPU first, as transformers.js orders devices in Node
// (cuda only on linux/x64 and win32/x64, then webgpu, then cpu, which always answers).
const registry: ExecutionProviderEntry[] = [];

export function registerExecutionProvider(entry: ExecutionProviderEntry): void {
  const at = registry.findIndex((e) => e.name === entry.name);
  if (at >= 0) registry.splice(at, 1);
  registry.push(entry);
  registry.sort((a, b) => a.priority - b.priority);
}

registerExecutionProvider({ name: 'cuda', priority: 10, detect: () => detectCuda() });
registerExecutionProvider({ name: 'webgpu', priority: 20, detect: (explicit) => detectWebGpu(explicit) });
registerExecutionProvider({ name: 'cpu', priority: 100, detect: () => ({ available: true }) });

/** The providers to try for a device, in order: all of them for `auto`, else just the one named. */
export function candidatesFor(device: string): ExecutionProviderEntry[] {
  if (device === 'auto') return [...registry];
  const entry = registry.find((e) => e.name === device);
  if (!entry) {
    throw new ExecutionProviderError(device, `Unsupported device: "${device}". Should be one of: ${DEVICES.join(', ')}`);
  }
  return [entry];
}

