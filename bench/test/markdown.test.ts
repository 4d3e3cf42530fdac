import { describe, expect, it } from 'vitest';
import { chooseKernel, type ProbeCheck } from '../kernel-choice.js';
import { formatMarkdown } from '../markdown.js';
import type { BenchResult, Row } from '../report.js';

const check: ProbeCheck = { matmul: [1], losses: [1], logits: [1] };
const openblas = chooseKernel([
  { label: 'environment as given', removed: [], core: 'Haswell', config: 'OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell', gflops: { '1': 105, '2': 200 }, check },
  { label: 'without OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE', removed: ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'], core: 'Cooperlake', config: 'OpenBLAS 0.3.21 DYNAMIC_ARCH Cooperlake', gflops: { '1': 190, '2': 355 }, check },
]);

const row = (system: string, threads: number, perSecond: number, extra: Partial<Row> = {}): Row =>
  ({ system, threads, perSecond, rounds: [perSecond], peakFraction: 0.1, notes: [], ...extra });

const result: BenchResult = {
  command: 'pnpm bench',
  startedAt: '2026-11-30T21:05:00.000Z',
  seconds: 150,
  machine: { cpu: 'AMD EPYC', cores: 2, node: 'v20', loadAverageAtStart: [0.5, 0.6, 0.7], loadAverageAtEnd: [1, 1.1, 1.2] },
  versions: {},
  torchEnv: { torch: '1.13.1', torchBlasInfo: 'generic', blas: 'OpenBLAS', libraries: [], torchThreads: 1, openblasCoretypeEnv: null, ompWaitPolicy: 'PASSIVE' },
  openblas,
  autoBackend: { name: 'wasm', skipped: [] },
  peak: { gflops: { '1': 190, '2': 355 }, samples: { '1': 14, '2': 14 }, size: 1024, env: {} as BenchResult['torchEnv'], flopsPerSample: { training: 879_200, inference: 397_600 } },
  rounds: 2,
  threads: [1, 2],
  dataset: { dir: 'x', train: 8004, test: 1996 },
  training: [{
    recipe: 'reference', description: 'reference: adam lr 0.001, batch 200', batchSize: 200,
    pytorchBest: { threads: 1, perSecond: 105_000 },
    rows: [
      row('tfjs wasm', 1, 21_000, { ratioVsPytorchBest: 0.2 }),
      row('tfjs cpu', 1, 700, { ratioVsPytorchBest: 700 / 105_000 }),
      row('PyTorch', 1, 105_000, { ratioVsPytorchBest: 1, isPytorchBest: true, peakFraction: 0.486 }),
      row('PyTorch', 2, 18_000, { ratioVsPytorchBest: 18 / 105, isPytorchBest: false }),
    ],
  }],
  inference: {
    model: 'artifacts/model/mnist-mlp.onnx', images: 1996,
    comparisons: [{
      batch: '200', pytorchBest: { threads: 2, perSecond: 475_000 },
      rows: [
        row('onnxruntime-node', 1, 454_000, { ratioVsPytorchBest: 454 / 475 }),
        row('tfjs wasm predict', 1, 54_700, { ratioVsPytorchBest: 54.7 / 475 }),
        row('PyTorch eval', 1, 353_000, { ratioVsPytorchBest: 353 / 475, isPytorchBest: false }),
        row('onnxruntime-node', 2, 551_000, { ratioVsPytorchBest: 551 / 475 }),
        row('PyTorch eval', 2, 475_000, { ratioVsPytorchBest: 1, isPytorchBest: true }),
      ],
    }],
  },
  notes: [],
};

describe('formatMarkdown', () => {
  const text = formatMarkdown(result);

  it('heads the tables with the date, the machine, its load and the exact command', () => {
    expect(text).toContain('Measured 2026-11-30 21:05 UTC with `pnpm bench` (150 s) on AMD EPYC, 2 cores,');
    expect(text).toContain('load average 0.50 0.60 0.70 at the start and 1.00 1.10 1.20 at the end.');
    expect(text).toContain('PyTorch 1.13.1 runs on OpenBLAS 0.3.21 with its Cooperlake kernel (without OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE in PyTorch\'s process: Cooperlake 190 vs Haswell 105 GFLOP/s on 1 thread (1.81×), identical results).');
    expect(text).toContain('fp32 matmul peak (1024² `torch.mm`): 190 GFLOP/s on 1 thread, 355 GFLOP/s on 2 threads.');
  });

  it('compares training with PyTorch at its fastest thread count', () => {
    expect(text).toContain('| recipe | tfjs wasm (what `auto` picks here) | tfjs cpu | PyTorch at its fastest | tfjs wasm ÷ PyTorch fastest |');
    expect(text).toContain('| reference: adam lr 0.001, batch 200 | 21,000 (10.0% of peak) | 700 (10.0% of peak) | **105,000** on 1 thread, 48.6% of peak (18,000 on 2 threads) | **0.20×** |');
  });

  it('lays inference out by thread count and batch, PyTorch last, missing cells as dashes', () => {
    expect(text).toContain('| system | batch 200, 1 thread | batch 200, 2 threads |');
    expect(text).toContain('| onnxruntime-node | 454,000 (0.96×; 10.0% of peak) | 551,000 (1.16×; 10.0% of peak) |');
    expect(text).toContain('| tfjs wasm predict | 54,700 (0.12×; 10.0% of peak) | — |');
    expect(text).toMatch(/\| PyTorch eval \| 353,000 \(0\.74×; 10\.0% of peak\) \| \*\*475,000\*\* \(fastest; 10\.0% of peak\) \|\n?$/);
  });
});
