import { build, createServer, preview, type InlineConfig } from 'vite';
import { webConfig, type WebConfigOptions } from './web-config.js';

export interface StartWebServerOptions extends WebConfigOptions {
  /** `dev`: Vite's dev server; `preview`: build the static site into outDir, then serve it. */
  mode: 'dev' | 'preview';
  /** With `preview`: serve what outDir already holds (built once, e.g. by buildWebPage, for many servers). */
  prebuilt?: boolean;
  /** Log level of Vite itself (default `warn`). */
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

export interface WebServer {
  /** The page's URL, e.g. http://127.0.0.1:41234/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the page on 127.0.0.1 (port 0 = a free port), for tests and benchmarks; `pnpm web`
 * and `pnpm --filter @mnist-onnx/infer-web build|preview` use vite.config.ts instead.
 */
export async function startWebServer(options: StartWebServerOptions): Promise<WebServer> {
  const config = serverConfig(options);
  if (options.mode === 'dev') {
    const server = await createServer(config);
    await server.listen();
    return { url: firstUrl(server.resolvedUrls?.local), close: () => server.close() };
  }
  if (!options.prebuilt) await build(config);
  const server = await preview(config);
  return {
    url: firstUrl(server.resolvedUrls?.local),
    close: () => server.close(),
  };
}

/** Builds the static site into outDir (what `preview` serves), without starting a server. */
export async function buildWebPage(options: Omit<StartWebServerOptions, 'mode' | 'prebuilt'>): Promise<void> {
  await build(serverConfig(options));
}

/** The page's configuration for tests and benches: no gzip size report (4 s of a 15 s build that nobody reads there). */
function serverConfig(options: Omit<StartWebServerOptions, 'mode'>): InlineConfig {
  const config = webConfig(options);
  return { ...config, logLevel: options.logLevel ?? 'warn', build: { ...config.build, reportCompressedSize: false } };
}

function firstUrl(urls: string[] | undefined): string {
  if (!urls?.length) throw new Error('the Vite server reported no local URL');
  return urls[0];
}
