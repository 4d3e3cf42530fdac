import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { MnistOnnxError } from '@mnist-onnx/mnist';
import { DeviceUnavailableError, startSession, UnsupportedDeviceError, type DeviceEntry, type OrtRuntime } from '../src/index.js';
import { ORT_NODE_PROVIDERS, startNodeSession } from '../src/node/index.js';

// A real ONNX model, written field by field (this package builds no models): y = Identity(x), x float32 [2].
const varint = (n: number): number[] => (n > 127 ? [(n & 127) | 128, ...varint(n >>> 7)] : [n]);
const bytesField = (field: number, payload: Uint8Array | string): number[] => {
  const data = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return [...varint((field << 3) | 2), ...varint(data.length), ...data];
};
const intField = (field: number, n: number): number[] => [...varint(field << 3), ...varint(n)];
const message = (...fields: number[][]) => Uint8Array.from(fields.flat());

const floatVector = message(bytesField(1, message(intField(1, 1), bytesField(2, message(bytesField(1, message(intField(1, 2))))))));
const valueInfo = (name: string) => message(bytesField(1, name), bytesField(2, floatVector));
const IDENTITY_MODEL = message(
  intField(1, 8), // ir_version
  bytesField(7, message(bytesField(1, message(bytesField(1, 'x'), bytesField(2, 'y'), bytesField(4, 'Identity'))), bytesField(2, 'g'), bytesField(11, valueInfo('x')), bytesField(12, valueInfo('y')))),
  bytesField(8, message(intField(2, 13))), // opset_import { version: 13 }
);

async function runIdentity(session: ort.InferenceSession): Promise<number[]> {
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1.5, -2]), [2]) });
  return Array.from(out.y.data as Float32Array);
}

describe('startNodeSession', () => {
  it('starts a provider named explicitly, and the session runs', async () => {
    const started = await startNodeSession(IDENTITY_MODEL, { device: 'cpu' });
    expect(started.entry.name).toBe('cpu');
    expect(started.skipped).toEqual([]);
    expect(started.facts.threads).toBeGreaterThan(0);
    expect(started.createMs).toBeGreaterThan(0);
    expect(started.runtime.Tensor).toBe(ort.Tensor);
    expect(await runIdentity(started.session)).toEqual([1.5, -2]);
    await started.session.release();
  });

  it('auto starts the first provider that can, after every one it passed over (whatever this machine has)', async () => {
    const started = await startNodeSession(IDENTITY_MODEL);
    const priority = (name: string) => ORT_NODE_PROVIDERS.find((e) => e.name === name)!.priority;
    for (const skipped of started.skipped) expect(priority(skipped.name)).toBeLessThan(started.entry.priority);
    expect(await runIdentity(started.session)).toEqual([1.5, -2]);
    await started.session.release();
  });

  it('a named provider that cannot create the session is the policy\'s one-line error naming the flag', async () => {
    const error = await startNodeSession(Uint8Array.from([8, 1, 255]), { device: 'cpu', flag: 'onnxruntime-node' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceUnavailableError);
    expect((error as Error).message).toMatch(/^onnxruntime-node cpu cannot start: \S.*$/);
  });

  it('a failure mapped to the project\'s own typed error goes straight to the caller', async () => {
    const bad = new MnistOnnxError('MODEL_LOAD', 'model.onnx: ONNX Runtime cannot load it');
    await expect(startNodeSession(Uint8Array.from([8, 1, 255]), { device: 'cpu', createFailed: () => bad })).rejects.toBe(bad);
  });

  it('rejects a device the registry does not know', async () => {
    await expect(startNodeSession(IDENTITY_MODEL, { device: 'tpu' })).rejects.toThrow(new UnsupportedDeviceError('tpu', ['auto', 'cuda', 'webgpu', 'cpu']));
  });
});

describe('startSession', () => {
  // A registry whose first entry has no build (a loader that fails, as a failed import would) and
  // whose second runs on onnxruntime-node's CPU EP: the page's shape, on Node.
  const entry = (name: string, priority: number): DeviceEntry => ({ name, priority, gpu: false, description: name, detect: () => ({ available: true, facts: { notes: [name] } }) });
  const registry = [entry('cpu', 40), entry('broken', 20)];

  it('loads each build on demand, sets the provider it tries, keeps the caller\'s options, and can hand over a copy', async () => {
    const calls: { model: Uint8Array; options: ort.InferenceSession.SessionOptions }[] = [];
    const recording: OrtRuntime & { InferenceSession: { create(model: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> } } = {
      InferenceSession: {
        create(model, options) {
          calls.push({ model, options });
          return ort.InferenceSession.create(model, options);
        },
      },
    };
    const loaded: string[] = [];
    const started = await startSession(IDENTITY_MODEL, {
      registry,
      device: 'auto',
      flag: '--ep',
      runtime: async (e: DeviceEntry) => {
        loaded.push(e.name);
        if (e.name === 'broken') throw new Error('failed to fetch the build\nstack');
        return recording;
      },
      sessionOptions: { intraOpNumThreads: 1 },
      copyModel: true,
    });
    expect(loaded).toEqual(['broken', 'cpu']);
    expect(started.skipped).toEqual([{ name: 'broken', reason: 'failed to start: failed to fetch the build' }]);
    expect(started.entry.name).toBe('cpu');
    expect(started.facts.notes).toEqual(['cpu']);
    expect(started.runtime).toBe(recording);
    expect(calls).toHaveLength(1);
    expect(calls[0].options).toEqual({ intraOpNumThreads: 1, executionProviders: ['cpu'] });
    expect(calls[0].model).not.toBe(IDENTITY_MODEL);
    expect(calls[0].model).toEqual(IDENTITY_MODEL);
    expect(await runIdentity(started.session)).toEqual([1.5, -2]);
    await started.session.release();
  });
});
