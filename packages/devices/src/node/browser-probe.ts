import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserType } from 'playwright-core';
import type { BrowserAdapter } from '../web-providers.js';

/** What a local Chromium offers the page: where it is, and the WebGPU adapter it finds. */
export type BrowserProbe =
  | { found: true; executable: string; adapter: BrowserAdapter }
  | { found: false; reason: string };

// Debian's Chromium (what the tests drive) unless CHROMIUM_PATH names another.
const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Asks a headless local Chromium for its WebGPU adapter, the way the page does. Chromium on
 * Linux exposes WebGPU only with --enable-unsafe-webgpu, so that flag is given and said.
 * playwright-core is only needed here; without it (or a browser) the page still checks its own
 * browser when it opens.
 */
export async function probeBrowser(timeoutMs = 30_000): Promise<BrowserProbe> {
  const executable = chromiumPath();
  if (!existsSync(executable)) return { found: false, reason: `no Chromium at ${executable} (set CHROMIUM_PATH); the page checks its own browser when it opens` };
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { found: false, reason: 'playwright-core is not installed; the page checks its own browser when it opens' };
  }
  const browser = await chromium.launch({
    executablePath: executable,
    headless: true,
    timeout: timeoutMs,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu'],
  });
  // navigator.gpu exists only in a secure context: http://127.0.0.1 is one, about:blank is not.
  const server = await blankPageServer();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const adapter = await page.evaluate(async (): Promise<BrowserAdapter> => {
      type Info = { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(o: object): Promise<{ info?: Info; isFallbackAdapter?: boolean } | null> } }).gpu;
      if (!gpu) return { found: false, reason: 'this browser does not offer WebGPU (navigator.gpu is missing)' };
      const found = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!found) return { found: false, reason: 'the browser found no WebGPU adapter (GPU disabled or blocklisted)' };
      const info = found.info ?? {};
      return { found: true, identity: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: info.isFallbackAdapter ?? found.isFallbackAdapter } };
    });
    return { found: true, executable, adapter };
  } finally {
    await browser.close();
    server.close();
  }
}

function blankPageServer(): Promise<Server> {
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>devices</title>'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
