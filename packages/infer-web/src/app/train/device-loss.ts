import * as tf from '@tensorflow/tfjs';
import { DeviceUnavailableError } from '@mnist-onnx/devices';

/** The GPU device tfjs's WebGPU backend trains on, as far as the watchdog needs it. */
interface LosableDevice {
  lost: Promise<{ reason?: string; message?: string }>;
}

/** Set once the WebGPU device tfjs holds is lost: that backend instance cannot run again in this page. */
let lostEarlier: string | undefined;

/** Throws DeviceUnavailableError when WebGPU was lost earlier in this page (tfjs would hand back the dead backend). */
export function assertWebGpuNotLost(): void {
  if (lostEarlier !== undefined) {
    throw new DeviceUnavailableError('webgpu', `the WebGPU device was lost earlier in this page (${lostEarlier}); reload the page to train on WebGPU again`);
  }
}

/**
 * A promise that rejects with DeviceUnavailableError when the GPU device under tfjs's current
 * backend is lost (driver reset, GPU process crash, the tab's GPU reclaimed), and never settles
 * otherwise. Training races it: a lost device can leave tfjs's read-backs pending for ever, and
 * the page must end the run with a message instead of hanging. Backends without a GPU device
 * give a promise that never settles.
 */
export function deviceLost(): Promise<never> {
  const device = (tf.backend() as unknown as { device?: LosableDevice }).device;
  if (!device?.lost) return new Promise<never>(() => undefined);
  return device.lost.then((info) => {
    lostEarlier = [info.reason, info.message].filter(Boolean).join(': ') || 'no reason given';
    throw new DeviceUnavailableError('webgpu', `the WebGPU device was lost while training (${lostEarlier})`);
  });
}
