/**
 * The page needs its own scripts, styles, images drawn from canvases, same-origin fetches
 * (model, test set, onnxruntime's .mjs/.wasm) and WebAssembly compilation — nothing else.
 * `'wasm-unsafe-eval'` allows compiling WebAssembly without allowing JavaScript `eval`.
 * `blob:` for workers and scripts is tfjs-wasm's threads: it starts each pthread as a worker from
 * a blob: URL that imports its Emscripten glue from another blob: (both made by the page's own
 * code; no other origin gains anything).
 */
export function contentSecurityPolicy(options: { dev: boolean }): string {
  const directives: Record<string, string> = {
    'default-src': "'self'",
    'script-src': "'self' 'wasm-unsafe-eval' blob:",
    'style-src': "'self'",
    'img-src': "'self' data: blob:",
    'font-src': "'self'",
    // Vite's dev server pushes updates over a WebSocket on the same host and port.
    'connect-src': options.dev ? "'self' ws://127.0.0.1:* ws://localhost:*" : "'self'",
    'worker-src': "'self' blob:",
    'object-src': "'none'",
    'base-uri': "'self'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
  };
  return Object.entries(directives).map(([key, value]) => `${key} ${value}`).join('; ');
}

/**
 * Headers for every response of the dev server and the preview server. COOP + COEP make the
 * page cross-origin isolated, which is what lets onnxruntime-web's wasm backend use threads
 * (SharedArrayBuffer); CORP marks our own files as loadable under that isolation.
 */
export function securityHeaders(options: { dev: boolean }): Record<string, string> {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': contentSecurityPolicy(options),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
