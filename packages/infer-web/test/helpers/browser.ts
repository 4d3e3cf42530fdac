import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that let Debian's Chromium run as root on a closed network without phoning home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium; `webgpu` adds the flag that exposes SwiftShader's WebGPU adapter. */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: options.webgpu ? [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] : CHROMIUM_ARGS,
  });
}

/** Page errors and console errors, collected so a test can assert there were none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Opens the page and waits until a model is loaded and a provider chosen. */
export async function openReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.ready === 'error', undefined, { timeout: 60_000 });
  const ready = await page.evaluate(() => document.documentElement.dataset.ready);
  if (ready !== 'true') throw new Error(`the page did not load its model: ${await page.locator('#message').textContent()}`);
}

export interface PagePrediction {
  digit: number;
  probabilities: number[];
}

/** Waits until the prediction panel shows the drawing as it is now, and reads it. */
export async function settledPrediction(page: Page): Promise<PagePrediction | null> {
  await page.waitForFunction(() => {
    const pad = document.getElementById('pad');
    const panel = document.getElementById('prediction');
    return pad && panel && !document.documentElement.dataset.busy && panel.dataset.revision === (pad.dataset.revision ?? '0');
  }, undefined, { timeout: 30_000 });
  return page.evaluate(() => {
    const panel = document.getElementById('prediction')!;
    if (panel.dataset.state !== 'predicted') return null;
    return { digit: Number(panel.dataset.digit), probabilities: JSON.parse(panel.dataset.probabilities!) as number[] };
  });
}
