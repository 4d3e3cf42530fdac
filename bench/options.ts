import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { artifactsDir, UsageError } from '@mnist-onnx/mnist/node';
import { PRESET_NAMES } from '@mnist-onnx/train';
import { defaultThreadCounts } from './figures.js';
import { DEFAULT_PYTHON } from './python.js';
import type { InferBatch } from './timing.js';

/** tfjs backends measured by default: the ones that run on any CPU-only machine. */
export const DEFAULT_BACKENDS = ['wasm', 'cpu'];
const KNOWN_BACKENDS = ['wasm', 'cpu', 'webgpu', 'tensorflow', 'tensorflow-gpu'];
/** `reference`: the comparison (Adam 1e-3, batch 200); the others are train presets. */
export const RECIPES = ['reference', ...PRESET_NAMES];
const DEFAULT_RECIPES = ['reference', 'default'];

export const HELP = `Usage: pnpm bench [options]

Training and inference speed of the MNIST MLP in tfjs (each backend), onnxruntime-node and
PyTorch on the CPU, measured alternately (A, B, A, B) in one session. Each figure is compared
with PyTorch at its fastest thread count, on the fastest OpenBLAS kernel that gives the same
results (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed in the Python child only when that is
faster), and given as a fraction of the machine's fp32 matmul peak at its own thread count.
Prints the README's tables in markdown. Writes artifacts/bench.json.
Needs /usr/bin/python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread);
without it the bench is skipped.

Options:
  --rounds N           alternating rounds per comparison (default 2)
  --backends LIST      tfjs backends, comma-separated (default ${DEFAULT_BACKENDS.join(',')})
  --webgpu             also measure tfjs webgpu (on a software adapter: slow). Without a GPU
                       and libvulkan1, run with LD_LIBRARY_PATH=/usr/lib/chromium
                       VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader)
  --recipes LIST       training recipes: ${RECIPES.join(', ')} (default ${DEFAULT_RECIPES.join(',')})
  --threads LIST       thread counts PyTorch and onnxruntime run at, comma-separated (default
                       1 to the cores, here ${defaultThreadCounts(availableParallelism()).join(',')}; above 4 cores the powers of two and
                       the core count). PyTorch's fastest count is the reference of every
                       ratio; tfjs wasm and cpu have 1 thread in Node
  --seconds S          minimum timed seconds per measurement (default 2)
  --only WHAT          training or inference (default both)
  --spin               keep the busy-waiting thread pools of onnxruntime and PyTorch's OpenMP
                       (their defaults). Without it they wait passively (OMP_WAIT_POLICY=PASSIVE,
                       allow_spinning 0): with another process on a core, spinning made
                       2-thread PyTorch ~30× and onnxruntime ~2× slower than 1 thread here
  --python PATH        Python with torch (default ${DEFAULT_PYTHON})
  --out FILE           results JSON (default artifacts/bench.json)
  -h, --help           show this help`;

export interface BenchOptions {
  rounds: number;
  backends: string[];
  recipes: string[];
  /** Ascending, without repeats. */
  threads: number[];
  seconds: number;
  training: boolean;
  inference: boolean;
  inferBatches: InferBatch[];
  spin: boolean;
  python: string;
  out: string;
  help: boolean;
}

function positive(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name}: must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

function list(name: string, text: string | undefined, fallback: string[], allowed: string[]): string[] {
  if (text === undefined) return fallback;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.find((s) => !allowed.includes(s));
  if (unknown !== undefined || items.length === 0) {
    throw new UsageError(`--${name}: "${unknown ?? text}" is not one of ${allowed.join(', ')}`);
  }
  return [...new Set(items)];
}

function threadCounts(text: string | undefined): number[] {
  if (text === undefined) return defaultThreadCounts(availableParallelism());
  const items = text.split(',').map((s) => s.trim());
  const bad = items.find((s) => !/^[1-9][0-9]*$/.test(s));
  if (bad !== undefined) throw new UsageError(`--threads: "${bad}" is not a positive integer (give thread counts, e.g. 1,2)`);
  return [...new Set(items.map(Number))].sort((a, b) => a - b);
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rounds: { type: 'string' },
        backends: { type: 'string' },
        webgpu: { type: 'boolean' },
        recipes: { type: 'string' },
        threads: { type: 'string' },
        seconds: { type: 'string' },
        only: { type: 'string' },
        spin: { type: 'boolean' },
        python: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see pnpm bench --help)`);
  }
  const only = values.only;
  if (only !== undefined && only !== 'training' && only !== 'inference') {
    throw new UsageError(`--only: "${only}" is not one of training, inference`);
  }
  const backends = list('backends', values.backends, DEFAULT_BACKENDS, KNOWN_BACKENDS);
  if (values.webgpu && !backends.includes('webgpu')) backends.push('webgpu');
  return {
    rounds: positive('rounds', values.rounds, 2, true),
    backends,
    recipes: list('recipes', values.recipes, DEFAULT_RECIPES, RECIPES),
    threads: threadCounts(values.threads),
    seconds: positive('seconds', values.seconds, 2, false),
    training: only !== 'inference',
    inference: only !== 'training',
    inferBatches: [200, 'all'],
    spin: values.spin ?? false,
    python: values.python ?? DEFAULT_PYTHON,
    out: values.out ?? join(artifactsDir(), 'bench.json'),
    help: values.help ?? false,
  };
}
