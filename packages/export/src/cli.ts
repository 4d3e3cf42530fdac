import { hideBin } from 'yargs/helpers';
import { artifactPaths, parseCommandLine, runCli, type FlagTable } from '@mnist-onnx/mnist/node';
import { WEIGHT_DTYPES } from './build-onnx.js';
import { exportModel, type ExportOptions } from './export-model.js';
import { QUANTIZATION_SCHEMES } from './quantize.js';
import { DEFAULT_MAX_ACCURACY_DROP } from './quantize-options.js';

/** Every flag of `pnpm export`, one per option of exportModel(). */
const EXPORT_FLAGS: FlagTable<ExportOptions> = {
  in: { type: 'string', default: artifactPaths.tfjsModel(), describe: 'folder with model.json and its weight shards' },
  out: { type: 'string', default: artifactPaths.onnxModel(), describe: 'ONNX file to write' },
  report: { type: 'string', describe: 'JSON report to write (default: export-report.json beside --out)' },
  foldNormalization: { type: 'boolean', default: true, describe: 'fold (x-0.1307)/0.3081 into the first Gemm so the file takes [0,1] pixels (--no-fold-normalization keeps normalised input)' },
  probabilities: { type: 'boolean', default: false, describe: 'add a Softmax output "probabilities"' },
  dtype: { choices: WEIGHT_DTYPES, describe: 'weight precision in the file (default float32; int8 = symmetric per-unit int8 weights, about ¼ the size)' },
  quantize: { choices: QUANTIZATION_SCHEMES, describe: 'how an int8 model computes: weight-only (dequantised to float32 in the graph; runs on every EP) or dynamic (uint8 activations at run time, integer matmul on the CPU); implies --dtype int8' },
  maxAccuracyDrop: { type: 'number', default: DEFAULT_MAX_ACCURACY_DROP, describe: 'refuse to write a model whose test accuracy is more than this many percentage points below float32' },
  data: { type: 'string', default: 'embedded', describe: 'dataset whose test split verifies the file: embedded, mnist or a folder of IDX files' },
  log: null,
};

/** `pnpm export`: a thin layer over exportModel(); every failure is one line and exit 1. */
async function main(): Promise<void> {
  const options = await parseCommandLine(hideBin(process.argv), {
    name: 'pnpm export',
    summary: 'Converts the tfjs model written by `pnpm train` to ONNX, verifies it against tfjs on the test set, then writes it.',
    flags: EXPORT_FLAGS,
  });
  await exportModel({ ...options, log: (line) => process.stdout.write(`${line}\n`) });
}

await runCli(main);
