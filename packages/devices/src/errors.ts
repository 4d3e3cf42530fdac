import { MnistOnnxError } from '@mnist-onnx/mnist';

/** A device name no registry knows. */
export class UnsupportedDeviceError extends MnistOnnxError {
  readonly device: string;
  constructor(device: string, choices: readonly string[]) {
    super('UNSUPPORTED_DEVICE', `Unsupported device: "${device}". Should be one of: ${choices.join(', ')}`);
    this.device = device;
  }
}

/**
 * A device cannot run here. Thrown by a registry's `start` to mean "skip me" under auto; raised
 * by the selection for a device named explicitly, and when auto finds none at all.
 */
export class DeviceUnavailableError extends MnistOnnxError {
  readonly device: string;
  constructor(device: string, message: string, options?: { cause?: unknown }) {
    super('DEVICE_UNAVAILABLE', message, options);
    this.device = device;
  }
}
