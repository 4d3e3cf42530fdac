import * as tf from '@tensorflow/tfjs';
import { DeviceUnavailableError, selectDevice, webTrainingBackends, type DeviceFacts, type SkippedDevice, type WebTrainingBackendName } from '@mnist-onnx/devices';
import { probeWebGpu } from '../runtime/webgpu-probe.js';
import { assertWebGpuNotLost } from './device-loss.js';
import { TRAIN_ASSET_PATHS } from './train-assets.js';
import { probeWebGl } from './webgl-probe.js';

/** `auto` takes WebGPU on a hardware adapter, else wasm (the device policy's web training registry). */
export type TrainingBackendChoice = 'auto' | WebTrainingBackendName;
export const TRAINING_BACKEND_CHOICES: readonly TrainingBackendChoice[] = ['auto', 'webgpu', 'wasm', 'webgl'];

export interface StartedBackend {
  name: WebTrainingBackendName;
  /** Backends tried (or not) before this one, and why each was passed over. */
  skipped: SkippedDevice[];
  /** What the page says about it: the adapter or renderer, or the threads. */
  detail: string;
}

const registered = new Set<WebTrainingBackendName>();

/**
 * Threads for tfjs-wasm's XNNPACK pool. The pool needs SharedArrayBuffer, so the page must be
 * cross-origin isolated, and tfjs gives it at most half the logical cores (it counts two
 * hyperthreads per core: tensorflow/tfjs#4972, #6081), so below 4 cores it runs 1 thread
 * whatever it is asked and the threaded build would only start idle workers: then 1 it is.
 * `?wasm-threads=N` in the page's URL asks for N (the web bench compares 1 with the default).
 * tfjs starts its wasm backend once per page, so the count holds until the page reloads.
 */
export function wasmTrainingThreads(search: string = location.search): number {
  if (!globalThis.crossOriginIsolated) return 1;
  const usable = Math.max(1, Math.floor((navigator.hardwareConcurrency || 1) / 2));
  const asked = Number(new URLSearchParams(search).get('wasm-threads') ?? NaN);
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, usable) : usable;
}

/**
 * Imports the backend's module once (each is a chunk of its own: a page that trains on wasm never
 * downloads tfjs-webgpu). The wasm binaries come from this site's `tfjs/` folder. With more than
 * one thread tfjs picks its threaded SIMD binary and starts its pthreads from blob: URLs, which
 * the page's CSP allows for workers and scripts (security-headers.ts).
 */
async function registerBackend(name: WebTrainingBackendName, baseUrl: string, wasmThreads: number): Promise<void> {
  if (registered.has(name)) return;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(new URL(TRAIN_ASSET_PATHS.tfjsWasmDir, baseUrl).href);
    if (wasmThreads > 1) wasm.setThreadsCount(wasmThreads);
    else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } else if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  // webgl comes with @tensorflow/tfjs itself.
  registered.add(name);
}

const wasmDetail = (threads: number) =>
  `WebAssembly, SIMD, ${threads} thread${threads > 1 ? 's' : ''}${threads > 1 ? '' : globalThis.crossOriginIsolated ? ' (tfjs takes half the logical cores for its threads)' : ' (the page is not cross-origin isolated)'}`;

function describe(name: WebTrainingBackendName, facts: DeviceFacts): string {
  if (!facts.adapter) return facts.notes.join('; ');
  return facts.adapter.kind === 'software' ? `${facts.adapter.description} (a software adapter: expect it to be far slower than wasm)` : facts.adapter.description;
}

/**
 * Starts tfjs on the chosen backend through the device policy's one selection routine. A
 * backend that imports but does not initialise is caught here: tfjs's `setBackend` resolves
 * false (or tfjs quietly stays on another backend), which would otherwise train on the wrong
 * one — so both the answer and `tf.getBackend()` are checked.
 */
export async function startTrainingBackend(choice: TrainingBackendChoice, baseUrl: string = document.baseURI): Promise<StartedBackend> {
  const wasmThreads = wasmTrainingThreads();
  const registry = webTrainingBackends({ probeWebGpu, probeWebGl, wasmThreads });
  const notChosen: SkippedDevice[] = choice === 'auto' ? [] : TRAINING_BACKEND_CHOICES.filter((c) => c !== 'auto' && c !== choice).map((name) => ({ name, reason: `not chosen (the panel is set to ${choice})` }));
  const selected = await selectDevice(
    registry,
    choice,
    async (entry) => {
      // A lost device stays lost for tfjs's backend: Auto passes over it, a named pick says so.
      if (entry.name === 'webgpu') assertWebGpuNotLost();
      await registerBackend(entry.name, baseUrl, wasmThreads);
      let started: boolean;
      try {
        started = await tf.setBackend(entry.name);
      } catch (error) {
        throw new DeviceUnavailableError(entry.name, `tfjs's ${entry.name} backend failed to start: ${(error as Error).message.split('\n')[0]}`, { cause: error });
      }
      if (!started || tf.getBackend() !== entry.name) throw new DeviceUnavailableError(entry.name, `tfjs's ${entry.name} backend did not initialise (tfjs runs on ${tf.getBackend()})`);
    },
    { flag: 'the training backend' },
  );
  const name = selected.entry.name;
  // The threads tfjs-wasm really started (its pool may get fewer than asked for).
  const detail = name === 'wasm' ? wasmDetail((await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount()) : describe(name, selected.facts);
  return { name, skipped: [...notChosen, ...selected.skipped], detail };
}
