import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_PATH, dawnAdapter, hasNvidiaDriver, hasOrtCudaProvider, hasVulkanLoader, isInstalled, NO_VULKAN_DRIVER_ENV, runCli, type AdapterSeen,
} from '@mnist-onnx/test-support';
import type { DevicesSurvey, RegistrySurvey } from '../src/node/index.js';

// `pnpm devices` on this machine, whatever it has: each row must say what the machine's facts
// (found independently by @mnist-onnx/test-support) call for. Then a simulated machine where no
// GPU path can run: every GPU row must say why and what to do.

const survey = async (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const run = await runCli('devices', ['--json', ...args], { env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as DevicesSurvey;
};
const registry = (s: DevicesSurvey, title: RegExp) => s.registries.find((r) => title.test(r.title))!;
const row = (r: RegistrySurvey, name: string) => r.rows.find((x) => x.name === name)!;

let ambient: AdapterSeen;
let here: DevicesSurvey;
beforeAll(async () => {
  [ambient, here] = await Promise.all([dawnAdapter(), survey()]);
});

describe('pnpm devices on this machine', () => {
  it('lists every training backend and execution provider, in the order auto tries them', () => {
    expect(here).toMatchObject({ format: 'mnist-onnx/devices', version: 1 });
    expect(here.registries.map((r) => [r.flag, r.rows.map((x) => x.name)])).toEqual([
      ['pnpm train --backend', ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']],
      ['pnpm infer --ep', ['cuda', 'webgpu', 'cpu']],
      ["the page's Provider menu", ['webgpu', 'wasm']],
    ]);
  });

  it('says the CPU paths run everywhere', () => {
    const training = registry(here, /^Training/);
    expect(row(training, 'wasm').auto.available).toBe(true);
    expect(row(training, 'cpu').auto.available).toBe(true);
    expect(row(registry(here, /onnxruntime-node/), 'cpu').auto).toMatchObject({ available: true, facts: { threads: expect.any(Number) } });
    expect(row(registry(here, /onnxruntime-web/), 'wasm').auto.available).toBe(true);
  });

  it('reports the optional tfjs-node packages as they are installed', () => {
    const training = registry(here, /^Training/);
    const trainUrl = new URL('../../train/src/backends/registry.ts', import.meta.url).href;
    for (const [name, pkg] of [['tensorflow', '@tensorflow/tfjs-node'], ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu']] as const) {
      if (!isInstalled(pkg, trainUrl)) expect(row(training, name).auto).toEqual({ available: false, reason: `package ${pkg} not installed`, fix: expect.stringContaining(pkg) });
    }
  });

  it('reports CUDA as the provider libraries and the driver are', () => {
    const cuda = row(registry(here, /onnxruntime-node/), 'cuda').auto;
    if (!hasOrtCudaProvider()) expect(cuda).toMatchObject({ available: false, reason: expect.stringMatching(/^CUDA provider libraries are not installed/) });
    else if (!hasNvidiaDriver()) expect(cuda).toMatchObject({ available: false, reason: expect.stringMatching(/NVIDIA driver/) });
    else expect(cuda.available).toBe(true);
  });

  it('reports WebGPU in Node by the adapter Dawn finds: hardware runs, software only when named, none not at all', () => {
    for (const r of [row(registry(here, /onnxruntime-node/), 'webgpu'), row(registry(here, /^Training/), 'webgpu')]) {
      expect({ auto: r.auto.available, named: r.named.available }).toEqual({
        hardware: { auto: true, named: true }, software: { auto: false, named: true }, none: { auto: false, named: false },
      }[ambient.kind]);
      if (ambient.kind === 'software') expect(r.auto).toMatchObject({ reason: expect.stringMatching(/^only a software adapter \(.+\); (cpu|wasm) is faster$/) });
    }
  });

  it('checks the page\'s providers in the local Chromium when there is one', () => {
    const web = registry(here, /onnxruntime-web/);
    if (!existsSync(CHROMIUM_PATH)) {
      expect(here.browser.found).toBe(false);
      return;
    }
    expect(here.browser).toMatchObject({ found: true, executable: CHROMIUM_PATH });
    // Chromium with --enable-unsafe-webgpu offers an adapter: SwiftShader without a GPU.
    if (here.browser.found && here.browser.adapter.found) expect(row(web, 'webgpu').named.available).toBe(true);
  });

  it('prints one line per device, a fix under each that cannot run, and what auto takes', async () => {
    const run = await runCli('devices', ['--no-browser']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain(`Training backends (tfjs in Node) · pnpm train --backend · auto → ${registry(here, /^Training/).autoPick}`);
    expect(lines.filter((l) => /^ {2}cpu +yes +/.test(l))).toHaveLength(2);
    const cannot = lines.filter((l) => / no {4}/.test(l)).length;
    expect(lines.filter((l) => /^ +fix: /.test(l))).toHaveLength(cannot);
  });

  it('rejects an unknown flag with one line and exit 1', async () => {
    const run = await runCli('devices', ['--gpu']);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: 'error: Unknown argument: gpu\n' });
  });
});

describe('pnpm devices where no GPU path can run (simulated)', () => {
  it('says why each GPU device cannot run and what to do, and auto falls back to the CPU', async () => {
    // No Vulkan driver (and no loader on most machines), no browser.
    const none = await survey([], { ...NO_VULKAN_DRIVER_ENV, CHROMIUM_PATH: '/nonexistent/chromium' });
    const cudaHere = hasOrtCudaProvider() && hasNvidiaDriver();
    for (const r of none.registries) {
      for (const device of r.rows.filter((x) => x.gpu && !(x.name === 'cuda' && cudaHere) && x.name !== 'tensorflow-gpu')) {
        expect(device.named, `${r.flag} ${device.name}`).toMatchObject({ available: false, reason: expect.any(String), fix: expect.any(String) });
      }
    }
    const nodeWebgpu = row(registry(none, /onnxruntime-node/), 'webgpu').auto;
    expect(nodeWebgpu).toMatchObject({ reason: expect.stringMatching(/^no WebGPU adapter found \(.+\)$/) });
    if (!hasVulkanLoader(NO_VULKAN_DRIVER_ENV)) {
      expect(row(registry(none, /^Training/), 'webgpu').auto).toMatchObject({ reason: 'no Vulkan loader (libvulkan.so.1): install libvulkan1 or add its folder to LD_LIBRARY_PATH' });
    }
    expect(none.browser).toEqual({ found: false, reason: 'no Chromium at /nonexistent/chromium (set CHROMIUM_PATH); the page checks its own browser when it opens' });
    expect(registry(none, /onnxruntime-web/).autoPick).toBe('wasm');
    expect(registry(none, /onnxruntime-node/).autoPick).toBe(cudaHere ? 'cuda' : 'cpu');
  });
});
