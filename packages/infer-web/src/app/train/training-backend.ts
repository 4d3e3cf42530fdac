import * as tf from '@tensorflow/tfjs';
import { DeviceUnavailableError, selectDevice, webTrainingBackends, type DeviceFacts, type SkippedDevice, type WebTrainingBackendName } from '@mnist-onnx/devices';
import { probeWebGpu } from '../runtime/webgpu-probe.js';
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
 * Imports the backend's module once (each is a chunk of its own: a page that trains on wasm never
 * downloads tfjs-webgpu). The wasm binaries come from this site's `tfjs/` folder; threads stay
 * off (see TFJS_WASM_FILES for why).
 */
async function registerBackend(name: WebTrainingBackendName, baseUrl: string): Promise<void> {
  if (registered.has(name)) return;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(new URL(TRAIN_ASSET_PATHS.tfjsWasmDir, baseUrl).href);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } else if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  // webgl comes with @tensorflow/tfjs itself.
  registered.add(name);
}

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
  const registry = webTrainingBackends({ probeWebGpu, probeWebGl });
  const notChosen: SkippedDevice[] = choice === 'auto' ? [] : TRAINING_BACKEND_CHOICES.filter((c) => c !== 'auto' && c !== choice).map((name) => ({ name, reason: `not chosen (the panel is set to ${choice})` }));
  const selected = await selectDevice(
    registry,
    choice,
    async (entry) => {
      await registerBackend(entry.name, baseUrl);
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
  return { name, skipped: [...notChosen, ...selected.skipped], detail: describe(name, selected.facts) };
}
