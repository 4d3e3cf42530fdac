import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dawnAdapter, hasNvidiaDriver, hasOrtCudaProvider, hasVulkanLoader, type AdapterSeen } from '@mnist-onnx/test-support';
import { UnsupportedDeviceError } from '@mnist-onnx/devices';
import { detectOrtCuda, ORT_NODE_PROVIDERS } from '@mnist-onnx/devices/node';
import { DEVICES, runInference, type TestSetReport } from '../src/index.js';
import { createFixture, NO_VULKAN_DRIVER_ENV, runCli, SWIFTSHADER_ENV, type Fixture } from './helpers/fixtures.js';

// What this machine has decides which branch each test expects: the suite runs on CPU-only CI,
// on machines with a Vulkan loader, and on GPU servers with CUDA alike. The facts come from
// @mnist-onnx/test-support, which finds them out independently of the code under test.

let fixture: Fixture;
let model: string;
let ambientAdapter: AdapterSeen;

beforeAll(async () => {
  fixture = await createFixture();
  model = await fixture.model('centroid.onnx', { layers: [fixture.rawLayer] });
  ambientAdapter = await dawnAdapter();
});
afterAll(() => fixture.cleanup());

const CUDA_NOT_INSTALLED = /^CUDA provider libraries are not installed \(no libonnxruntime_providers_cuda\.so in onnxruntime-node's .*; see "CUDA" in packages\/infer-node\/README\.md\)$/;

describe('execution provider registry', () => {
  it('orders auto like transformers.js in Node: cuda, then webgpu, then cpu', () => {
    expect([...ORT_NODE_PROVIDERS].sort((a, b) => a.priority - b.priority).map((e) => e.name)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(DEVICES).toEqual(['auto', 'cuda', 'webgpu', 'cpu']);
  });

  it('rejects an unknown device, listing the valid ones', async () => {
    const error = await runInference({ model, ep: 'tpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedDeviceError);
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_DEVICE',
      message: 'Unsupported device: "tpu". Should be one of: auto, cuda, webgpu, cpu',
    });
  });

  it('detects the CUDA provider libraries and the NVIDIA driver as they are on this machine', () => {
    const check = detectOrtCuda();
    if (!hasOrtCudaProvider()) {
      expect(check.available ? '' : check.reason).toMatch(CUDA_NOT_INSTALLED);
    } else if (!hasNvidiaDriver()) {
      expect(check).toMatchObject({ available: false, reason: 'no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)' });
    } else {
      expect(check.available).toBe(true);
    }
  });
});

describe('auto selection (real CLI)', () => {
  it('with no Vulkan driver: skips webgpu with the reason, one line per skipped provider', async () => {
    const { code, stdout, stderr } = await runCli(['--model', model], NO_VULKAN_DRIVER_ENV);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const webgpuLine = lines.find((l) => l.startsWith('  skipped webgpu: '));
    expect(webgpuLine).toMatch(/^ {2}skipped webgpu: no WebGPU adapter found/);
    // Without a loader Dawn says it cannot load Vulkan; with one, it just finds no device.
    if (!hasVulkanLoader(NO_VULKAN_DRIVER_ENV)) expect(webgpuLine).toMatch(/libvulkan/);
    if (!hasOrtCudaProvider()) {
      expect(lines.slice(0, 3)).toEqual(['execution provider: cpu (auto)', expect.stringMatching(/^ {2}skipped cuda: CUDA provider libraries are not installed/), webgpuLine]);
    } else {
      expect(lines[0]).toMatch(/^execution provider: (cuda|cpu) \(auto\)$/);
    }
  });

  it('with only SwiftShader: skips webgpu as a software adapter', async () => {
    const { code, stdout } = await runCli(['--model', model, '--json'], SWIFTSHADER_ENV);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as TestSetReport;
    const webgpu = report.executionProvider.skipped.find((s) => s.name === 'webgpu');
    expect(webgpu?.reason).toMatch(/^only a software adapter \(google \/ swiftshader \/ .+\); cpu is faster$/);
    expect(report.executionProvider.name).toEqual(hasOrtCudaProvider() && hasNvidiaDriver() ? expect.stringMatching(/^(cuda|cpu)$/) : 'cpu');
  });

  it('in this machine\'s own environment: takes the branch its hardware calls for', async () => {
    const { code, stdout } = await runCli(['--model', model, '--json']);
    expect(code).toBe(0);
    const { executionProvider: ep } = JSON.parse(stdout) as TestSetReport;
    const cudaCanRun = hasOrtCudaProvider() && hasNvidiaDriver();
    if (!cudaCanRun) expect(ep.skipped[0]).toMatchObject({ name: 'cuda' });
    if (ep.name === 'cuda') return; // CUDA took it: nothing after it was tried.
    const webgpu = ep.skipped.find((s) => s.name === 'webgpu');
    switch (ambientAdapter.kind) {
      case 'hardware':
        // A hardware adapter is taken; a session that still fails is skipped with its reason.
        if (ep.name !== 'webgpu') expect(webgpu?.reason).toMatch(/^failed to start: /);
        break;
      case 'software':
        expect(ep.name).toBe('cpu');
        expect(webgpu?.reason).toMatch(/^only a software adapter/);
        break;
      case 'none':
        expect(ep.name).toBe('cpu');
        expect(webgpu?.reason).toMatch(/^no WebGPU adapter found/);
        break;
    }
  });
});

describe('explicit providers (real CLI)', () => {
  it('--ep cuda: one-line error naming what is missing, or a run on CUDA where it can start', async () => {
    const { code, stdout, stderr } = await runCli(['--model', model, '--ep', 'cuda']);
    if (!hasOrtCudaProvider()) {
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^error: --ep cuda cannot start: CUDA provider libraries are not installed \(.*README\.md\)\n$/);
    } else if (!hasNvidiaDriver()) {
      expect(stderr).toBe('error: --ep cuda cannot start: no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)\n');
    } else if (code === 0) {
      expect(stdout).toMatch(/^execution provider: cuda$/m);
    } else {
      expect(stderr).toMatch(/^error: --ep cuda cannot start: .+\n$/);
    }
  });

  it('--ep webgpu with no Vulkan driver: one-line error, exit 1', async () => {
    const { code, stderr } = await runCli(['--model', model, '--ep', 'webgpu'], NO_VULKAN_DRIVER_ENV);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: --ep webgpu cannot start: no WebGPU adapter found.*\n$/);
  });

  it('--ep webgpu on SwiftShader gives the same predictions as cpu', async () => {
    const [gpu, cpu] = await Promise.all([
      runCli(['--model', model, '--ep', 'webgpu', '--json'], SWIFTSHADER_ENV),
      runCli(['--model', model, '--ep', 'cpu', '--json']),
    ]);
    expect(gpu.code).toBe(0);
    expect(cpu.code).toBe(0);
    const onGpu = JSON.parse(gpu.stdout) as TestSetReport;
    const onCpu = JSON.parse(cpu.stdout) as TestSetReport;
    expect(onGpu.executionProvider).toMatchObject({ name: 'webgpu', requested: 'webgpu', skipped: [] });
    expect(onGpu.executionProvider.notes[0]).toMatch(/software adapter \(google \/ swiftshader/);
    expect(onCpu.executionProvider.name).toBe('cpu');
    expect(onGpu.count).toBe(fixture.test.count);
    expect(onGpu.confusionMatrix).toEqual(onCpu.confusionMatrix);
    expect(onGpu.correct).toBe(onCpu.correct);
    expect(onGpu.meanLoss).toBeCloseTo(onCpu.meanLoss, 4);
  });
});
