import { describe, expect, it } from 'vitest';
import { adapterDetection, classifyAdapter } from '../src/index.js';

describe('the software-adapter rule', () => {
  it.each([
    [{ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }, 'software'],
    [{ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, 'software'],
    [{ vendor: 'mesa', description: 'lavapipe' }, 'software'],
    [{ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }, 'software'],
    [{ vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA H200', isFallbackAdapter: true }, 'software'],
    [{ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }, 'hardware'],
    [{ vendor: 'apple', architecture: 'metal-3' }, 'hardware'],
    [{ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD Graphics' }, 'hardware'],
  ] as const)('%o is %s', (identity, kind) => {
    expect(classifyAdapter(identity).kind).toBe(kind);
  });

  it('names the adapter by vendor / architecture / description, skipping what it leaves out', () => {
    expect(classifyAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' }).description).toBe('google / swiftshader');
    expect(classifyAdapter({}).description).toBe('unnamed adapter');
  });

  it('auto refuses a software adapter with the faster alternative; named, it runs with a note', () => {
    const software = classifyAdapter({ vendor: 'google', architecture: 'swiftshader' });
    expect(adapterDetection(software, 'auto', 'wasm')).toEqual({
      available: false,
      reason: 'only a software adapter (google / swiftshader); wasm is faster',
      fix: 'use a machine or browser with a GPU, or name webgpu explicitly to run on it anyway',
    });
    expect(adapterDetection(software, 'explicit', 'cpu')).toEqual({
      available: true,
      facts: { adapter: software, notes: ['WebGPU on a software adapter (google / swiftshader): expect it to be slower than cpu'] },
    });
    const gpu = classifyAdapter({ vendor: 'nvidia', description: 'NVIDIA H200' });
    expect(adapterDetection(gpu, 'auto', 'cpu')).toMatchObject({ available: true, facts: { adapter: { kind: 'hardware' } } });
  });
});
