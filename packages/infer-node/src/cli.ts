import { serializeArtifact } from '@mnist-onnx/mnist/artifacts';
import { artifactPaths, parseCommandLine, runCli, UsageError, type FlagTable } from '@mnist-onnx/mnist/node';
import { hideBin } from 'yargs/helpers';
import { DEVICES } from './execution-provider.js';
import { formatReport } from './format-report.js';
import type { Normalization } from './input-convention.js';
import { createProgress } from './progress.js';
import { inferenceReportContract } from './report.js';
import { DEFAULT_BATCH_SIZE, runInference, type InferenceOptions } from './run-inference.js';

/** Parses `--normalize MEAN,STD`. */
export function parseNormalize(text: string): Normalization {
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[1] <= 0) {
    throw new UsageError(`--normalize expects MEAN,STD with a positive STD (e.g. 0.1307,0.3081), got "${text}"`);
  }
  return { mean: parts[0], std: parts[1] };
}

/** `pnpm infer`'s command line: runInference()'s options, plus how to print the report. */
interface InferCliOptions extends InferenceOptions {
  /** Print the report as JSON (the report file's format) instead of as text. */
  json?: boolean;
}

/** Every flag of `pnpm infer`, in --help order. */
const INFER_FLAGS: FlagTable<InferCliOptions> = {
  model: { type: 'string', default: artifactPaths.onnxModel(), describe: 'ONNX model file (default: pnpm export\'s output)' },
  data: { type: 'string', describe: 'test set: embedded (default), mnist, or a folder with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (.gz or not)' },
  images: { type: 'string', array: true, takesRest: true, describe: 'classify these image files / folders instead of a test set; names after a bare -- are taken as they are, even when they start with - (--images -- -x.png)' },
  ep: { choices: DEVICES, default: 'auto', describe: 'execution provider; auto tries cuda, then webgpu (hardware adapters only), then cpu' },
  batchSize: { type: 'number', default: DEFAULT_BATCH_SIZE, describe: 'images per model run' },
  threads: { type: 'number', describe: 'ONNX Runtime intra-op threads (default: one per core)' },
  normalize: { type: 'string', parse: parseNormalize, describe: 'MEAN,STD the model expects its [0,1] input normalised with (default: from the model\'s metadata, else raw)' },
  json: { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' },
  report: {
    type: 'string',
    // A bare `--report` arrives as "": it means the usual place.
    parse: (raw) => raw || artifactPaths.inferReport(),
    describe: `also write the JSON report to FILE, atomically (bare --report: ${artifactPaths.inferReport()})`,
  },
  onProgress: null,
};

async function main(): Promise<void> {
  const { json = false, ...options } = await parseCommandLine(hideBin(process.argv), {
    name: 'pnpm infer',
    summary: 'Scores an ONNX MNIST classifier on a test set with onnxruntime-node (GPU first, then CPU), or classifies image files with --images.',
    flags: INFER_FLAGS,
    configure: (parser) =>
      parser
        .conflicts('images', 'data')
        .example('$0', 'score artifacts/model/mnist-mlp.onnx on the embedded test set')
        .example('$0 --images digit.png scans/', 'classify image files')
        .example('$0 --images -- -x.png', 'a file whose name starts with a dash: after --')
        .example('$0 --model torch.onnx --normalize 0.1307,0.3081 --ep cpu', 'a PyTorch export that takes normalised input'),
  });
  if (options.images?.length === 0) throw new UsageError('--images needs at least one file or folder');
  const progress = createProgress(options.images ? 'classifying' : 'inferring');
  try {
    const report = await runInference({ ...options, onProgress: progress.update });
    progress.stop();
    process.stdout.write(json ? serializeArtifact(inferenceReportContract, report, '--json') : formatReport(report));
  } finally {
    progress.stop();
  }
}

await runCli(main);
