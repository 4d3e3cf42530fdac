import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliOptions, type CliRun } from './cli.js';
import { CLI_ENTRIES, REPO_ROOT, type CliName } from './paths.js';
import { tempDir } from './temp.js';

export interface PeakRssRun extends CliRun {
  /** The child's peak resident memory, in MiB, as the kernel counted it (getrusage ru_maxrss). */
  peakRssMiB: number;
}

/**
 * Runs a CLI as `pnpm <name>` does, under GNU time, and returns its peak RSS: the real process's
 * high-water mark, not a sample taken now and then.
 */
export async function runCliMeasuringPeakRss(name: CliName, args: string[], options: CliOptions = {}): Promise<PeakRssRun> {
  const dir = tempDir('peak-rss-');
  const report = join(dir, 'rusage');
  try {
    const run = await runCli(name, args, { ...options, command: ['/usr/bin/time', '-f', '%M', '-o', report, process.execPath, '--import', 'tsx', join(REPO_ROOT, CLI_ENTRIES[name])] });
    const kib = Number(readFileSync(report, 'utf8').trim().split('\n').at(-1));
    return { ...run, peakRssMiB: kib / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
