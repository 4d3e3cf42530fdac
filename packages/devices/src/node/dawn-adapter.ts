import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { AdapterIdentity } from '../adapter-rule.js';

/** What Dawn (npm `webgpu`) found: an adapter and how it names itself, or why there is none. */
export type DawnAdapter = { found: true; identity: AdapterIdentity } | { found: false; problem: string };

// argv[1] is the file URL of the `webgpu` package.
const PROBE_SCRIPT = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter ? adapter.info ?? {} : {};
process.stdout.write(JSON.stringify(adapter ? { found: true, identity: {
  vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '',
  isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
} } : { found: false }));
process.exit(0);
`;

// Dawn prints "Warning: Couldn't load Vulkan: …" when no Vulkan loader is installed.
const firstLine = (text: string) => (text.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? '').replace(/^Warning: /, 'Dawn: ');

let cached: Promise<DawnAdapter> | undefined;

/**
 * The WebGPU adapter Dawn finds here: the one onnxruntime-node's WebGPU EP (which embeds Dawn)
 * and tfjs-backend-webgpu on the npm `webgpu` package would get. It runs in a child process so
 * that two copies of Dawn never share one process, a hanging driver cannot hang us (timeout),
 * and the Vulkan loader's warnings stay out of our output. Asked once per process.
 */
export function probeDawnAdapter(timeoutMs = 20_000): Promise<DawnAdapter> {
  cached ??= new Promise((resolve) => {
    let webgpu: string;
    try {
      webgpu = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
    } catch {
      return resolve({ found: false, problem: 'the npm package webgpu (Dawn) is not installed' });
    }
    execFile(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT, webgpu], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const problem = firstLine(stderr) || (error ? firstLine(error.message) : '');
      try {
        const seen = JSON.parse(stdout) as { found: boolean; identity?: AdapterIdentity };
        resolve(seen.found ? { found: true, identity: seen.identity ?? {} } : { found: false, problem: problem || 'Dawn found no adapter' });
      } catch {
        resolve({ found: false, problem: problem || 'the adapter probe printed nothing' });
      }
    });
  });
  return cached;
}
