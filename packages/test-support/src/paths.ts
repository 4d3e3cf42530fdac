import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this package lives in packages/test-support). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Where tests leave screenshots and other things worth looking at (git-ignored). */
export const TEST_RESULTS_DIR = resolve(REPO_ROOT, 'test-results');

/** The entry file of each package's CLI, as the root package.json scripts run it. */
export const CLI_ENTRIES = {
  data: 'packages/mnist/src/cli.ts',
  train: 'packages/train/src/cli.ts',
  export: 'packages/export/src/cli.ts',
  infer: 'packages/infer-node/src/cli.ts',
  start: 'packages/pipeline/src/cli.ts',
  devices: 'packages/devices/src/node/cli.ts',
} as const;

export type CliName = keyof typeof CLI_ENTRIES;
