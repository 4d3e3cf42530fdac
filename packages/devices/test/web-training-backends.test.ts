import { describe, expect, it } from 'vitest';
import { selectDevice, webTrainingBackends, type BrowserAdapter, type BrowserWebGl } from '../src/index.js';

// The page's training registry answers with what the browser said; these are the answers a
// browser gives (Chromium's SwiftShader identity, a hardware GPU's, none at all).
const swiftShader: BrowserAdapter = { found: true, identity: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } };
const hardware: BrowserAdapter = { found: true, identity: { vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false } };
const noWebGpu: BrowserAdapter = { found: false, reason: 'this browser does not offer WebGPU' };
const swiftShaderGl: BrowserWebGl = { found: true, renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' };

const registry = (webgpu: BrowserAdapter, webgl: BrowserWebGl = swiftShaderGl) => webTrainingBackends({ probeWebGpu: async () => webgpu, probeWebGl: () => webgl });
const startName = async (entry: { name: string }) => entry.name;

describe('webTrainingBackends', () => {
  it('auto trains on a hardware WebGPU adapter', async () => {
    const selected = await selectDevice(registry(hardware), 'auto', startName, { flag: 'the training backend' });
    expect(selected.started).toBe('webgpu');
    expect(selected.facts.adapter).toEqual({ kind: 'hardware', description: 'nvidia / hopper' });
  });

  it('auto passes over a software adapter and WebGL, by the one rule, and trains on wasm', async () => {
    const selected = await selectDevice(registry(swiftShader), 'auto', startName, { flag: 'the training backend' });
    expect(selected.started).toBe('wasm');
    expect(selected.skipped).toEqual([
      { name: 'webgpu', reason: 'only a software adapter (google / swiftshader); wasm is faster' },
      { name: 'webgl', reason: 'WebGL is used only when picked: Auto prefers WebGPU on a hardware adapter, else wasm' },
    ]);
  });

  it('named explicitly, WebGPU and WebGL run on a software adapter with a warning', async () => {
    const gpu = await selectDevice(registry(swiftShader), 'webgpu', startName, { flag: 'the training backend' });
    expect(gpu.facts.notes).toEqual(['WebGPU on a software adapter (google / swiftshader): expect it to be slower than wasm']);
    const gl = await selectDevice(registry(swiftShader), 'webgl', startName, { flag: 'the training backend' });
    expect(gl.facts.adapter?.kind).toBe('software');
  });

  it('a backend the browser lacks, named explicitly, is an error saying why, never a fallback', async () => {
    await expect(selectDevice(registry(noWebGpu), 'webgpu', startName, { flag: 'the training backend' })).rejects.toThrow('the training backend webgpu cannot start: this browser does not offer WebGPU');
    await expect(selectDevice(registry(noWebGpu, { found: false, reason: 'no WebGL2 context' }), 'webgl', startName, { flag: 'the training backend' })).rejects.toThrow('the training backend webgl cannot start: no WebGL2 context');
    await expect(selectDevice(registry(noWebGpu), 'cuda', startName, { flag: 'the training backend' })).rejects.toThrow('Unsupported device: "cuda". Should be one of: auto, webgpu, webgl, wasm');
  });
});
