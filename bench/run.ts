// `pnpm bench`: training and inference speed of the MNIST MLP in tfjs, onnxruntime-node and
// PyTorch on this machine, taken alternately in one session, with the matmul floor.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { loadDataset, runCli, writeFileAtomic } from '@mnist-onnx/mnist/node';
import { BackendUnavailableError, selectBackend } from '@mnist-onnx/train';
import { env as ortEnv } from 'onnxruntime-node';
import { benchInference } from './bench-inference.js';
import { benchTraining, isSlow, SLOW_BACKEND_SAMPLES } from './bench-training.js';
import { BenchError } from './errors.js';
import { INFERENCE_FLOPS_PER_SAMPLE, TRAINING_FLOPS_PER_SAMPLE } from './figures.js';
import { measureMatmulFloor, type MatmulFloor } from './matmul-floor.js';
import { HELP, parseBenchArgs } from './options.js';
import { torchMissingReason } from './python.js';
import { formatResult, type BenchResult } from './report.js';
import { log, Problems } from './series.js';

const formatLoad = (load: number[]) => load.map((l) => l.toFixed(2)).join(' ');
const formatFloor = (floor: MatmulFloor) => Object.entries(floor.gflops).map(([t, g]) => `${t} thread(s) ${g.toFixed(0)} GFLOP/s`).join(', ');

async function autoBackend(): Promise<BenchResult['autoBackend']> {
  try {
    const selection = await selectBackend('auto');
    return { name: selection.name, skipped: selection.skipped };
  } catch (error) {
    if (error instanceof BackendUnavailableError) return null;
    throw error;
  }
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  const missing = await torchMissingReason(options.python);
  if (missing) {
    console.log(`pnpm bench skipped: PyTorch is not available: ${missing}`);
    return;
  }
  // PyTorch (libgomp) inherits this; an explicit OMP_WAIT_POLICY from the user wins.
  if (!options.spin) process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg();
  const split = await loadDataset('embedded');
  log(`data: ${split.dir} (${split.train.count} train / ${split.test.count} test)`);

  const threads = [...new Set([1, 2, options.threads])].sort((a, b) => a - b);
  const floorAtStart = await measureMatmulFloor(options.python, threads);
  log(`fp32 matmul floor: ${formatFloor(floorAtStart)} (measured again at the end; the larger counts)`);
  const auto = await autoBackend();
  if (auto) log(`pnpm train --backend auto picks ${auto.name} here`);

  const notes = [
    `systems taken alternately (A, B, A, B) in one session; each figure is the median of ${options.rounds} round(s)${options.rounds > 1 ? ', the range in brackets' : ''}`,
    ...(options.training ? [
      'tfjs training runs the train package\'s own train() (the loop of pnpm train) and times the epochs after the first' +
        (options.backends.some(isSlow) ? `; cpu and webgpu epochs are cut to ${SLOW_BACKEND_SAMPLES} samples` : ''),
      `PyTorch training: the same MLP, data, batch size, optimizer, schedule and augmentation, tensors in memory (bench/pytorch_reference.py)`,
    ] : []),
    ...(options.inference ? ['inference: onnxruntime-node session.run, tfjs model.predict + data(), PyTorch eval under inference_mode, on prepared test-set tensors'] : []),
    `PyTorch runs with torch and OpenBLAS both set to the row's thread count; × PyTorch compares with PyTorch at the same thread count`,
    options.spin
      ? 'thread pools spin while waiting (onnxruntime and OpenMP defaults, --spin)'
      : `thread pools wait passively: onnxruntime allow_spinning 0, OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY ?? ''} for PyTorch (--spin keeps the busy-waiting defaults)`,
    '"of floor": throughput × FLOPs per sample ÷ the fp32 matmul floor at the same thread count',
  ];
  const problems = new Problems();
  const training = options.training ? await benchTraining(options, split.dir, problems) : undefined;
  const inference = options.inference ? await benchInference(options, split.dir, split.test, problems) : undefined;
  const floorAtEnd = await measureMatmulFloor(options.python, threads);
  log(`fp32 matmul floor at the end: ${formatFloor(floorAtEnd)}`);
  // Other processes can only slow a measurement down, so the larger figure is the truer one.
  const measuredFloor: MatmulFloor = {
    ...floorAtStart,
    gflops: Object.fromEntries(Object.entries(floorAtStart.gflops).map(([t, g]) => [t, Math.max(g, floorAtEnd.gflops[t] ?? 0)])),
  };

  const loadAverageAtEnd = loadavg();
  const result: BenchResult = {
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt,
    seconds: (performance.now() - started) / 1000,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd },
    versions: { tfjs: tf.version.tfjs, onnxruntimeNode: ortEnv.versions.node ?? ortEnv.versions.common, torch: measuredFloor.env.torch },
    torchEnv: measuredFloor.env,
    autoBackend: auto,
    floor: { ...measuredFloor, flopsPerSample: { training: TRAINING_FLOPS_PER_SAMPLE, inference: INFERENCE_FLOPS_PER_SAMPLE } },
    rounds: options.rounds,
    threads: options.threads,
    dataset: { dir: split.dir, train: split.train.count, test: split.test.count },
    training: training?.(measuredFloor) ?? [],
    inference: inference?.(measuredFloor) ?? null,
    notes: [...notes, `figures from a shared machine are noisy: load average ${formatLoad(loadAverageAtStart)} at the start, ${formatLoad(loadAverageAtEnd)} at the end`, ...problems.notes],
  };
  await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(formatResult(result));
  console.log(`\nwrote ${options.out} (${result.seconds.toFixed(0)} s)`);
  if (problems.failed) throw new BenchError('some measurements failed (see the notes above); the others are in the table');
}

await runCli(main);
