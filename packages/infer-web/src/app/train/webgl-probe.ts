import type { BrowserWebGl } from '@mnist-onnx/devices';

let probed: BrowserWebGl | undefined;

/**
 * Whether the browser gives a WebGL2 context (what tfjs-webgl needs), and the renderer behind
 * it — unmasked when the browser allows, so the device policy can tell SwiftShader from a GPU.
 */
export function probeWebGl(): BrowserWebGl {
  probed ??= detect();
  return probed;
}

function detect(): BrowserWebGl {
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch (error) {
    return { found: false, reason: `creating a WebGL2 context failed: ${(error as Error).message}` };
  }
  if (!gl) return { found: false, reason: 'the browser gives no WebGL2 context (GPU disabled or blocklisted)' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { found: true, renderer };
}
