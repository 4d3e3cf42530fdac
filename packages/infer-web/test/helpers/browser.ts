import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { collectErrors } from '@mnist-onnx/test-support';

export { collectErrors, launchChromium } from '@mnist-onnx/test-support';

/** A page of its own in a new context: no test inherits another's drawing, model or provider. */
export interface FreshPage {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far. */
  errors: string[];
  /** Content-Security-Policy violations seen so far ("directive blockedURI"). */
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens `url` in a new context of `browser` and waits until the page is ready to predict. */
export async function openFreshPage(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<FreshPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  // Record every Content-Security-Policy violation from the first script on.
  await context.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = list;
    document.addEventListener('securitypolicyviolation', (e) => list.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await openReady(page, url);
  return {
    context,
    page,
    errors,
    cspViolations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    close: () => context.close(),
  };
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
