import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceEntry, Detection } from '../device.js';
import { webExecutionProviders } from '../web-providers.js';
import { probeBrowser, type BrowserProbe } from './browser-probe.js';
import { ORT_NODE_PROVIDERS } from './ort-node-providers.js';
import { trainingBackends } from './tfjs-node-backends.js';

/** One device as `pnpm devices` reports it: what `auto` would do, and what naming it would do. */
export interface DeviceRow {
  name: string;
  description: string;
  gpu: boolean;
  priority: number;
  auto: Detection;
  named: Detection;
}

export interface RegistrySurvey {
  title: string;
  /** The command and flag that choose among these devices. */
  flag: string;
  rows: DeviceRow[];
  /** The device `auto` takes by detection (starting it is the final word), or null. */
  autoPick: string | null;
}

export interface DevicesSurvey {
  format: 'mnist-onnx/devices';
  version: 1;
  platform: string;
  registries: RegistrySurvey[];
  /** The local Chromium the page was checked in, when one was found. */
  browser: BrowserProbe | { found: false; reason: string };
}

/** Detects every device of a registry both ways, in priority order. */
export async function surveyRegistry(title: string, flag: string, registry: readonly DeviceEntry[]): Promise<RegistrySurvey> {
  const ordered = [...registry].sort((a, b) => a.priority - b.priority);
  const rows: DeviceRow[] = [];
  for (const entry of ordered) {
    const auto = await entry.detect('auto');
    // Only a GPU's answer can differ when named (a software adapter runs, with a note).
    const named = entry.gpu ? await entry.detect('explicit') : auto;
    rows.push({ name: entry.name, description: entry.description, gpu: entry.gpu, priority: entry.priority, auto, named });
  }
  return { title, flag, rows, autoPick: rows.find((row) => row.auto.available)?.name ?? null };
}

// The optional tfjs-node packages are installed into (and imported from) the train package; in
// this monorepo it sits beside this one.
function trainBackendsUrl(): string {
  const url = new URL('../../../train/src/backends/registry.ts', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url.href : import.meta.url;
}

/** Everything `pnpm devices` reports: training backends, Node execution providers, the page's providers. */
export async function surveyDevices(options: { browser: boolean }): Promise<DevicesSurvey> {
  const browser: DevicesSurvey['browser'] = options.browser
    ? await probeBrowser().catch((error: unknown) => ({ found: false as const, reason: `Chromium failed to start: ${String((error as Error).message ?? error).split('\n')[0]}` }))
    : { found: false, reason: 'not checked (--no-browser)' };
  const webRegistry = webExecutionProviders({
    probeWebGpu: async () => (browser.found ? browser.adapter : { found: false, reason: browser.reason }),
    wasmThreads: 1,
  });
  return {
    format: 'mnist-onnx/devices',
    version: 1,
    platform: `${process.platform}/${process.arch}, Node ${process.versions.node}`,
    registries: [
      await surveyRegistry('Training backends (tfjs in Node)', 'pnpm train --backend', trainingBackends(trainBackendsUrl())),
      await surveyRegistry('Execution providers (onnxruntime-node)', 'pnpm infer --ep', ORT_NODE_PROVIDERS),
      await surveyRegistry('Execution providers (onnxruntime-web, the page)', 'the page\'s Provider menu', webRegistry),
    ],
    browser,
  };
}
