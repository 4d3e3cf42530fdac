import { defineConfig } from 'vitest/config';

// Tests live next to the code they test (packages/*/test). The file name says which kind a test
// is, and each kind is a project with its own share of this 2-core machine:
//   *.test.ts              unit: in-process, seconds
//   *.integration.test.ts  real CLIs in child processes, training, onnxruntime-node, local servers
//   *.browser.test.ts      the page in headless Chromium: one file at a time, after the above
//   *.e2e.test.ts          `pnpm start` as a user runs it, last, alone
// Groups run one after another (sequence.groupOrder), so a Chromium test never shares the CPU
// with a training run: under load that is what made them time out.
const KINDS = ['integration', 'browser', 'e2e'];
const files = (kind: string) => [`packages/*/test/**/*.${kind}.test.ts`];

export default defineConfig({
  test: {
    pool: 'forks',
    // Sized from durations measured with one of the two cores kept busy by another process,
    // with a wide margin (see README, Tests). Slower tests set their own.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: KINDS.flatMap(files),
          sequence: { groupOrder: 0 },
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: files('integration'), sequence: { groupOrder: 0 }, maxWorkers: 2 },
      },
      {
        extends: true,
        // The fixture models and the page's build, made once for all its files (helpers/built-page.ts).
        test: { name: 'browser', include: files('browser'), globalSetup: ['packages/infer-web/test/helpers/built-page.ts'], sequence: { groupOrder: 1 }, maxWorkers: 1 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: files('e2e'), sequence: { groupOrder: 2 }, maxWorkers: 1 },
      },
    ],
  },
});
