import { MnistOnnxError } from '@mnist-onnx/mnist';
import type { DeviceEntry, DeviceFacts, SkippedDevice } from './device.js';
import { DeviceUnavailableError, UnsupportedDeviceError } from './errors.js';

export interface SelectOptions {
  /** The flag the user sets this with (`--ep`, `--backend`), named in errors. */
  flag: string;
}

export interface SelectedDevice<E extends DeviceEntry, R> {
  entry: E;
  /** What `start` returned. */
  started: R;
  facts: DeviceFacts;
  /** Devices auto passed over before this one, in order, each with its reason. */
  skipped: SkippedDevice[];
}

/** Starts a device whose detection said it can run, e.g. creates the session or sets the backend. */
export type StartDevice<E extends DeviceEntry, R> = (entry: E, facts: DeviceFacts) => Promise<R>;

const firstLine = (error: unknown) => String(error instanceof Error ? error.message : error).split('\n')[0].trim();

/** Why a start failed, in one line; null when the error is the caller's to raise as it is. */
function startFailure(error: unknown): string | null {
  if (error instanceof DeviceUnavailableError) return error.message;
  // A typed error of this project (a model that does not load, a bad option) is not the
  // device's fault: it would fail on every device, so it goes straight to the user.
  if (error instanceof MnistOnnxError) return null;
  return firstLine(error);
}

/** The registry's names in priority order, with `auto` first: what a flag accepts. */
export const deviceChoices = (registry: readonly DeviceEntry[]): string[] => ['auto', ...[...registry].sort((a, b) => a.priority - b.priority).map((e) => e.name)];

/**
 * The one selection routine, for every registry. `auto` tries the devices in priority order,
 * each one's detection first and then `start`, and keeps the reason it passed over each; when
 * none starts, the error lists them all (onnxruntime's "no available backend found"). A device
 * named explicitly runs even where auto would not take it (a software GPU adapter), and if it
 * cannot start that is an error, never a silent fallback.
 */
export async function selectDevice<E extends DeviceEntry, R>(registry: readonly E[], request: string, start: StartDevice<E, R>, options: SelectOptions): Promise<SelectedDevice<E, R>> {
  const ordered = [...registry].sort((a, b) => a.priority - b.priority);
  if (request !== 'auto') {
    const entry = ordered.find((e) => e.name === request);
    if (!entry) throw new UnsupportedDeviceError(request, deviceChoices(registry));
    const cannotStart = (reason: string, cause?: unknown) => new DeviceUnavailableError(entry.name, `${options.flag} ${entry.name} cannot start: ${reason}`, { cause });
    const detection = await entry.detect('explicit');
    if (!detection.available) throw cannotStart(detection.reason);
    try {
      return { entry, started: await start(entry, detection.facts), facts: detection.facts, skipped: [] };
    } catch (error) {
      const reason = startFailure(error);
      if (reason === null) throw error;
      throw cannotStart(error instanceof DeviceUnavailableError ? error.message : reason, error);
    }
  }
  const skipped: SkippedDevice[] = [];
  for (const entry of ordered) {
    const detection = await entry.detect('auto');
    if (!detection.available) {
      skipped.push({ name: entry.name, reason: detection.reason });
      continue;
    }
    try {
      return { entry, started: await start(entry, detection.facts), facts: detection.facts, skipped };
    } catch (error) {
      const reason = startFailure(error);
      if (reason === null) throw error;
      skipped.push({ name: entry.name, reason: error instanceof DeviceUnavailableError ? error.message : `failed to start: ${reason}` });
    }
  }
  throw new DeviceUnavailableError('auto', `no available backend found. ERR: ${skipped.map((s) => `[${s.name}] ${s.reason}`).join(', ')}`);
}
