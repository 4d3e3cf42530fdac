import * as tf from '@tensorflow/tfjs';
import type { DeviceFacts } from '@mnist-onnx/devices';
import type { TrainingBackendName } from '@mnist-onnx/devices/node';
import { BackendUnavailableError } from '../errors.js';

// Which backends exist, their order and how each is detected is the device policy's
// (@mnist-onnx/devices/node, trainingBackends); this folder only knows how to start each one.
export type BackendName = TrainingBackendName;

export interface StartedBackend {
  name: BackendName;
  /** The tfjs backend name now active (`tensorflow` for both tfjs-node flavours). */
  tfjsName: string;
  /** Facts worth recording with the run: adapter, SIMD, threads. */
  notes: string[];
}

/**
 * Starts a backend its detection said can run, and makes it tfjs's current one, or throws
 * BackendUnavailableError. `facts` are what the detection found (e.g. the WebGPU adapter).
 */
export type BackendStarter = (facts: DeviceFacts) => Promise<StartedBackend>;

/** The one-line reason a backend cannot run, as printed for skipped backends. */
export const unavailable = (reason: string, cause?: unknown) => new BackendUnavailableError(reason, { cause });

/**
 * Imports a package that is deliberately not a dependency (tfjs-node and tfjs-node-gpu
 * download libtensorflow at install time). A missing package and a package whose native
 * part is broken are different problems with different fixes, so they get different reasons.
 */
export async function importOptional(pkg: string): Promise<unknown> {
  try {
    return await import(pkg);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if ((err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && err.message.includes(pkg)) {
      throw unavailable(`package ${pkg} not installed`, error);
    }
    const first = String(err.message ?? err).split('\n')[0];
    throw unavailable(`${pkg} is installed but its native binary failed to load (${first})`, error);
  }
}

/**
 * `tf.setBackend` resolves false (it does not throw) when a backend fails to initialise, and
 * tfjs then quietly keeps running on another one; check both the result and `getBackend()`.
 */
export async function activate(tfjsName: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfjsName);
  } catch (error) {
    throw unavailable(`tfjs could not initialise the '${tfjsName}' backend (${(error as Error).message})`, error);
  }
  if (!ok) throw unavailable(`tfjs could not initialise the '${tfjsName}' backend`);
  await tf.ready();
  if (tf.getBackend() !== tfjsName) {
    throw unavailable(`tfjs is running on '${tf.getBackend()}' instead of '${tfjsName}'`);
  }
}
