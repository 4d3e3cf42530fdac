import { describe, expect, it } from 'vitest';
import { MnistOnnxError } from '@mnist-onnx/mnist';
import {
  available, deviceChoices, DeviceUnavailableError, formatSkipped, selectDevice, unavailable, UnsupportedDeviceError,
  type DeviceEntry, type Detection,
} from '../src/index.js';

const entry = (name: string, priority: number, detection: Detection | ((mode: 'auto' | 'explicit') => Detection), gpu = false): DeviceEntry => ({
  name, priority, gpu, description: name, detect: (mode) => (typeof detection === 'function' ? detection(mode) : detection),
});

// A GPU that auto refuses (a software adapter) but that runs when named.
const softwareGpu = entry('gpu', 20, (mode) => (mode === 'auto' ? unavailable('only a software adapter (x); cpu is faster') : available({ notes: ['slow'] })), true);
const registry = [entry('cpu', 30, available({ threads: 2 })), softwareGpu, entry('cuda', 10, unavailable('no driver', 'install it'), true)];
const startName = async (e: DeviceEntry) => e.name;

describe('selectDevice', () => {
  it('tries auto in priority order and keeps why it passed over each device', async () => {
    const selected = await selectDevice(registry, 'auto', startName, { flag: '--ep' });
    expect(selected.started).toBe('cpu');
    expect(selected.facts.threads).toBe(2);
    expect(selected.skipped).toEqual([
      { name: 'cuda', reason: 'no driver' },
      { name: 'gpu', reason: 'only a software adapter (x); cpu is faster' },
    ]);
    expect(selected.skipped.map(formatSkipped)).toEqual(['skipped cuda: no driver', 'skipped gpu: only a software adapter (x); cpu is faster']);
  });

  it('runs a device named explicitly that auto would pass over, with its note', async () => {
    const selected = await selectDevice(registry, 'gpu', startName, { flag: '--ep' });
    expect(selected).toMatchObject({ started: 'gpu', skipped: [], facts: { notes: ['slow'] } });
  });

  it('a device named explicitly that cannot run is an error naming the flag, never a fallback', async () => {
    await expect(selectDevice(registry, 'cuda', startName, { flag: '--ep' })).rejects.toThrow(new DeviceUnavailableError('cuda', '--ep cuda cannot start: no driver'));
    const failing = async (): Promise<string> => {
      throw new Error('adapter lost\nstack');
    };
    await expect(selectDevice(registry, 'cpu', failing, { flag: '--backend' })).rejects.toThrow('--backend cpu cannot start: adapter lost');
  });

  it('skips a device whose start fails under auto, and lists every reason when none starts', async () => {
    const start = async (e: DeviceEntry): Promise<string> => {
      if (e.name === 'cpu') throw new DeviceUnavailableError('cpu', 'cpu is busy');
      return e.name;
    };
    const error = await selectDevice(registry, 'auto', start, { flag: '--ep' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceUnavailableError);
    expect((error as Error).message).toBe('no available backend found. ERR: [cuda] no driver, [gpu] only a software adapter (x); cpu is faster, [cpu] cpu is busy');
  });

  it('passes the project\'s own typed errors straight through: a bad model fails on every device', async () => {
    const badModel = new MnistOnnxError('MODEL_LOAD', 'model.onnx: not an ONNX file');
    const start = async (): Promise<string> => {
      throw badModel;
    };
    await expect(selectDevice(registry, 'auto', start, { flag: '--ep' })).rejects.toBe(badModel);
  });

  it('rejects an unknown name, listing the choices in priority order', async () => {
    expect(deviceChoices(registry)).toEqual(['auto', 'cuda', 'gpu', 'cpu']);
    await expect(selectDevice(registry, 'tpu', startName, { flag: '--ep' })).rejects.toThrow(new UnsupportedDeviceError('tpu', ['auto', 'cuda', 'gpu', 'cpu']));
    await expect(selectDevice(registry, 'tpu', startName, { flag: '--ep' })).rejects.toThrow('Unsupported device: "tpu". Should be one of: auto, cuda, gpu, cpu');
  });
});
