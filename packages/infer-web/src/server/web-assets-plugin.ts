import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { prepareEmbedded } from '@mnist-onnx/mnist/node';
import { contentSecurityPolicy, securityHeaders } from './security-headers.js';
import { servedAssets, type ServedAsset, type WebAssetsOptions } from './web-assets.js';

type Next = (error?: unknown) => void;

/**
 * Serves the model, the test set and onnxruntime-web's runtime files from where they live
 * (artifacts/, node_modules/) in the dev server, and copies them into the static build, so
 * the page fetches every one of them from its own origin.
 */
export function webAssetsPlugin(options: WebAssetsOptions): Plugin {
  const assets = servedAssets(options);
  let ensureData: Promise<unknown> | undefined;
  // The embedded test set is generated from an npm package on first use; do that once.
  const prepareData = () => (ensureData ??= prepareEmbedded(options.testDataDir).catch(() => undefined));

  return {
    name: 'mnist-onnx-web-assets',
    configureServer(server) {
      const base = server.config.base === './' || server.config.base === '' ? '/' : server.config.base;
      server.middlewares.use((req, res, next) => void serveAsset(assets, base, prepareData, req, res, next));
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        // The static build may land on a host that cannot send headers: carry the policy in
        // the page itself (frame-ancestors is only valid as a header, so it is left out).
        if (context.server) return [];
        const policy = contentSecurityPolicy({ dev: false }).replace(/; frame-ancestors [^;]+/, '');
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }];
      },
    },
    async generateBundle() {
      await prepareData();
      for (const asset of assets) {
        if (!existsSync(asset.file)) {
          this.warn(`${asset.file} not found, so ${asset.url} is not in the build: ${asset.missingHint}`);
          continue;
        }
        this.emitFile({ type: 'asset', fileName: asset.url, source: await readFile(asset.file) });
      }
    },
  };
}

async function serveAsset(assets: ServedAsset[], base: string, prepareData: () => Promise<unknown>, req: IncomingMessage, res: ServerResponse, next: Next): Promise<void> {
  try {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const asset = path.startsWith(base) ? assets.find((a) => a.url === path.slice(base.length)) : undefined;
    if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (asset.url.startsWith('data/')) await prepareData();
    // This middleware answers before Vite's own, which add server.headers: add them here. The
    // pthread workers' script (the .mjs) must carry COEP itself, or Chromium blocks it.
    for (const [name, value] of Object.entries(securityHeaders({ dev: true }))) res.setHeader(name, value);
    const info = await stat(asset.file).catch(() => undefined);
    if (!info?.isFile()) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`${asset.file} not found: ${asset.missingHint}\n`);
      return;
    }
    const etag = `"${createHash('sha1').update(`${asset.file}:${info.size}:${info.mtimeMs}`).digest('hex')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Content-Length', info.size);
    res.end(req.method === 'HEAD' ? undefined : await readFile(asset.file));
  } catch (error) {
    next(error);
  }
}
