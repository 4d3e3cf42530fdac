import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { classifyAdapter } from '@mnist-onnx/devices';
import { listSupportedBackends } from 'onnxruntime-node';
import type { ProviderCheck } from './execution-provider.js';

/** What the WebGPU adapter probe saw. */
export interface WebGpuAdapterProbe {
  found: boolean;
  /** True for software rasterisers (SwiftShader, llvmpipe/lavapipe, WARP). */
  software: boolean;
  vendor: string;
  architecture: string;
  description: string;
  /** Why no adapter was found (the first line Dawn printed), when it says. */
  problem?: string;
}

// Runs in a child process: asks Dawn (the npm package `webgpu`) for the adapter ONNX Runtime
// would get. argv[1] is the file URL of the `webgpu` package.
const PROBE_SCRIPT = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter ? adapter.info ?? {} : {};
process.stdout.write(JSON.stringify(adapter ? {
  found: true,
  isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '',
  description: info.description ?? '',
} : { found: false }));
process.exit(0);
`;

let cached: Promise<WebGpuAdapterProbe> | undefined;

/**
 * onnxruntime-node's WebGPU EP embeds Dawn, which on Linux drives Vulkan. The npm package
 * `webgpu` is the same Dawn, so asking it for an adapter shows what the EP will find. It runs
 * in a child process so that two copies of Dawn never share one process, a hanging driver
 * cannot hang us (timeout), and the Vulkan loader's warnings stay out of our output.
 */
export function probeWebGpuAdapter(timeoutMs = 20_000): Promise<WebGpuAdapterProbe> {
  cached ??= new Promise((resolve) => {
    const webgpu = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
    execFile(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT, webgpu], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const problem = firstLine(stderr) || (error ? firstLine(error.message) : undefined);
      try {
        const seen = JSON.parse(stdout) as { found: boolean; isFallbackAdapter?: boolean; vendor?: string; architecture?: string; device?: string; description?: string };
        resolve({
          found: seen.found,
          software: seen.found && classifyAdapter(seen).kind === 'software',
          vendor: seen.vendor ?? '',
          architecture: seen.architecture ?? '',
          description: seen.description ?? '',
          ...(seen.found || !problem ? {} : { problem }),
        });
      } catch {
        resolve({ found: false, software: false, vendor: '', architecture: '', description: '', problem: problem ?? 'the adapter probe printed nothing' });
      }
    });
  });
  return cached;
}

// Dawn prints "Warning: Couldn't load Vulkan: …" when no Vulkan loader is installed.
const firstLine = (text: string) => (text.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? '').replace(/^Warning: /, 'Dawn: ');

export const describeAdapter = (probe: WebGpuAdapterProbe): string =>
  [probe.vendor, probe.architecture, probe.description].filter((part) => part.length > 0).join(' / ');

/**
 * `auto` takes WebGPU only on a hardware adapter: on a software one (SwiftShader) the CPU EP is
 * far faster. Asked for by name (`explicit`), a software adapter is accepted with a note.
 */
export async function detectWebGpu(explicit: boolean): Promise<ProviderCheck> {
  if (!listSupportedBackends().some((backend) => backend.name === 'webgpu' && backend.bundled)) {
    return { available: false, reason: 'this onnxruntime-node build has no WebGPU EP (bundled only on some platforms, e.g. linux/x64)' };
  }
  const probe = await probeWebGpuAdapter();
  if (!probe.found) {
    return { available: false, reason: `no WebGPU adapter found${probe.problem ? ` (${probe.problem})` : ''}` };
  }
  if (probe.software) {
    const what = `software adapter (${describeAdapter(probe)})`;
    return explicit
      ? { available: true, note: `webgpu runs on a ${what}; expect it to be slower than cpu` }
      : { available: false, reason: `only a ${what}; cpu is faster` };
  }
  return { available: true, note: `webgpu adapter: ${describeAdapter(probe)}` };
}
