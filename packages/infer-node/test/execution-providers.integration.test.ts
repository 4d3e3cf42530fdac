import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatesFor, detectCuda, ExecutionProviderError, runInference, type TestSetReport } from '../src/index.js';
import { createFixture, runCli, SWIFTSHADER_ENV, type Fixture } from './helpers/fixtures.js';

let fixture: Fixture;
let model: string;

beforeAll(async () => {
  fixture = await createFixture();
  model = await fixture.model('centroid.onnx', { layers: [fixture.rawLayer] });
});
afterAll(() => fixture.cleanup());

describe('execution provider registry', () => {
  it('orders auto like transformers.js in Node: cuda, then webgpu, then cpu', () => {
    expect(candidatesFor('auto').map((e) => e.name)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(candidatesFor('webgpu').map((e) => e.name)).toEqual(['webgpu']);
  });

  it('rejects an unknown device, listing the valid ones', async () => {
    expect(() => candidatesFor('tpu')).toThrow(ExecutionProviderError);
    await expect(runInference({ model, ep: 'tpu' })).rejects.toMatchObject({
      code: 'EXECUTION_PROVIDER',
      message: 'Unsupported device: "tpu". Should be one of: auto, cuda, webgpu, cpu',
    });
  });

  it('finds no CUDA provider libraries on this machine and says how to get them', () => {
    const check = detectCuda();
    expect(check).toMatchObject({ available: false });
    expect(check.available ? '' : check.reason).toMatch(/^CUDA provider libraries are not installed \(no libonnxruntime_providers_cuda\.so in onnxruntime-node's .*; see "CUDA" in packages\/infer-node\/README\.md\)$/);
  });
});

describe('auto selection (real CLI)', () => {
  it('without a Vulkan driver: runs on cpu and prints one line per skipped provider', async () => {
    const { code, stdout, stderr } = await runCli(['--model', model]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('execution provider: cpu (auto)');
    expect(lines[1]).toMatch(/^ {2}skipped cuda: CUDA provider libraries are not installed/);
    expect(lines[2]).toMatch(/^ {2}skipped webgpu: no WebGPU adapter found \(.*libvulkan/);
  });

  it('with only SwiftShader: skips webgpu as a software adapter and stays on cpu', async () => {
    const { code, stdout } = await runCli(['--model', model, '--json'], SWIFTSHADER_ENV);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as TestSetReport;
    expect(report.executionProvider.name).toBe('cpu');
    expect(report.executionProvider.skipped.map((s) => s.name)).toEqual(['cuda', 'webgpu']);
    expect(report.executionProvider.skipped[1].reason).toBe('only a software adapter (google / swiftshader / SwiftShader driver 5.0.0); cpu is faster');
  });
});

describe('explicit providers (real CLI)', () => {
  it('--ep cuda without the CUDA libraries: one-line error, exit 1', async () => {
    const { code, stdout, stderr } = await runCli(['--model', model, '--ep', 'cuda']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: --ep cuda cannot start: CUDA provider libraries are not installed \(.*README\.md\)\n$/);
  });

  it('--ep webgpu without any adapter: one-line error, exit 1', async () => {
    const { code, stderr } = await runCli(['--model', model, '--ep', 'webgpu']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: --ep webgpu cannot start: no WebGPU adapter found \(.*\)\n$/);
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
