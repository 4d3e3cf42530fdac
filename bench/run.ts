// `pnpm bench`: training and inference speed of the MNIST MLP in tfjs, onnxruntime-node and
// PyTorch on this machine, taken alternately in one session, against PyTorch at its best
// (fastest OpenBLAS kernel, fastest thread count) and the machine's fp32 matmul peak.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { loadDataset, runCli, writeFileAtomic } from '@mnist-onnx/mnist/node';
import { BackendUnavailableError, selectBackend } from '@mnist-onnx/train';
import { env as ortEnv } from 'onnxruntime-node';
import { benchInference } from './bench-inference.js';
import { benchModelForms } from './model-forms.js';
import { benchTraining, isSlow, SLOW_BACKEND_SAMPLES } from './bench-training.js';
import { WARMUP_SECONDS } from './tfjs-training.js';
import { benchWorkers, WORKER_BATCHES } from './bench-workers.js';
import { BenchError } from './errors.js';
import { INFERENCE_FLOPS_PER_SAMPLE, TRAINING_FLOPS_PER_SAMPLE } from './figures.js';
import { OPENBLAS_VARIABLES } from './kernel-choice.js';
import { kernelSummary } from './markdown.js';
import { measureMatmulPeak, PeakSamples } from './matmul-peak.js';
import { selectOpenblasKernel } from './openblas-kernel.js';
import { HELP, parseBenchArgs } from './options.js';
import { pythonBaseEnv, torchMissingReason } from './python.js';
import { formatGflops, formatLoad, formatResult, type BenchResult } from './report.js';
import { log, Problems } from './series.js';

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
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg();
  const split = await loadDataset('embedded');
  log(`data: ${split.dir} (${split.train.count} train / ${split.test.count} test)`);

  // tfjs wasm and cpu run one thread, so the peak is always measured there too.
  const peakThreads = [...new Set([1, ...options.threads])].sort((a, b) => a - b);
  const base = { python: options.python, env: pythonBaseEnv(process.env, options.spin) };
  const kernel = await selectOpenblasKernel(base, split.dir, peakThreads);
  log(kernelSummary(kernel.choice));
  log(`fp32 matmul peak: ${formatGflops(kernel.peak.gflops)} (sampled again in each PyTorch process and at the end; the largest counts)`);
  const peaks = new PeakSamples();
  kernel.probeGflops.forEach((g) => peaks.add(g));
  const auto = await autoBackend();
  if (auto) log(`pnpm train --backend auto picks ${auto.name} here`);

  const removed = kernel.choice.chosen.removed;
  const notes = [
    `systems taken alternately (A, B, A, B) in one session; each figure is the median of ${options.rounds} round(s)${options.rounds > 1 ? ', the range in brackets' : ''}`,
    ...(options.training ? [
      `tfjs training runs the train package's own train() (the loop of pnpm train): whole epochs untimed for ${WARMUP_SECONDS} s (V8's warm-up), then whole epochs timed for ${options.seconds} s` +
        (options.backends.some(isSlow) ? `; cpu and webgpu epochs are cut to ${SLOW_BACKEND_SAMPLES} samples and one is timed` : ''),
      `PyTorch training: the same MLP, data, batch size, optimizer, schedule and augmentation, tensors in memory (bench/pytorch_reference.py)`,
    ] : []),
    ...(options.training ? [`worker threads: pnpm train --workers N on the reference recipe at batch ${WORKER_BATCHES.join(', ')}, N from 1 to the cores, beside the main thread alone and PyTorch at its fastest, alternately round by round`] : []),
    ...(options.inference ? ['inference: onnxruntime-node session.run, tfjs model.predict + data(), PyTorch eval under inference_mode, on prepared test-set tensors'] : []),
    `PyTorch runs at each of ${options.threads.join(', ')} thread(s), torch and OpenBLAS both set to it; "× PyTorch fastest" divides by PyTorch's median at its fastest thread count in the same table`,
    removed.length > 0
      ? `${removed.join(' and ')} removed in the Python children only (the PyTorch reference and the peak); this process and its tfjs and onnxruntime keep the environment as given`
      : `the Python children run with the environment as given (${OPENBLAS_VARIABLES.join(', ')}: ${OPENBLAS_VARIABLES.map((v) => process.env[v] ?? 'unset').join(', ')})`,
    options.spin
      ? 'thread pools spin while waiting (onnxruntime and OpenMP defaults, --spin)'
      : `thread pools wait passively: onnxruntime allow_spinning 0, OMP_WAIT_POLICY=${base.env.OMP_WAIT_POLICY ?? ''} for PyTorch (--spin keeps the busy-waiting defaults)`,
  ];
  const problems = new Problems();
  const training = options.training ? await benchTraining(options, kernel.runner, split.dir, peaks, problems) : undefined;
  const workers = options.training ? await benchWorkers(options, kernel.runner, split.dir, problems) : [];
  const inference = options.inference ? await benchInference(options, kernel.runner, split.dir, split.test, peaks, problems) : undefined;
  // fp32, fp16 and both int8 forms of the trained model, on one onnxruntime thread.
  const forms = options.inference ? await benchModelForms(split.test, { rounds: options.rounds, seconds: Math.max(0.5, options.seconds / 2), threads: 1, spin: options.spin, batches: [1, 200, 'all'] }) : null;
  const peakAtEnd = await measureMatmulPeak(kernel.runner, peakThreads);
  log(`fp32 matmul peak at the end: ${formatGflops(peakAtEnd.gflops)}`);
  if (peakAtEnd.env.openblasCore !== kernel.peak.env.openblasCore) {
    throw new BenchError(`the matmul peak ran on OpenBLAS kernel ${peakAtEnd.env.openblasCore ?? '(none)'}, not on the chosen ${kernel.peak.env.openblasCore ?? '(none)'}`);
  }
  peaks.add(peakAtEnd.gflops);
  const peak = peaks.peak(kernel.peak);

  const loadAverageAtEnd = loadavg();
  const result: BenchResult = {
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt,
    seconds: (performance.now() - started) / 1000,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd },
    versions: { tfjs: tf.version.tfjs, onnxruntimeNode: ortEnv.versions.node ?? ortEnv.versions.common, torch: peak.env.torch },
    torchEnv: peak.env,
    openblas: kernel.choice,
    autoBackend: auto,
    peak: { ...peak, flopsPerSample: { training: TRAINING_FLOPS_PER_SAMPLE, inference: INFERENCE_FLOPS_PER_SAMPLE } },
    rounds: options.rounds,
    threads: options.threads,
    dataset: { dir: split.dir, train: split.train.count, test: split.test.count },
    training: training?.(peak) ?? [],
    workers,
    inference: inference?.(peak) ?? null,
    forms,
    notes: [
      ...notes,
      `"of peak": throughput × FLOPs per sample ÷ the fp32 matmul peak at the row's thread count, the best timing on the chosen kernel at the start, after each PyTorch measurement and at the end (${Object.entries(peak.samples).map(([t, n]) => `${n} at ${t} thread${t === '1' ? '' : 's'}`).join(', ')})`,
      `figures from a shared machine are noisy: load average ${formatLoad(loadAverageAtStart)} at the start, ${formatLoad(loadAverageAtEnd)} at the end`, ...problems.notes],
  };
  await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(formatResult(result));
  console.log(`\nwrote ${options.out} (${result.seconds.toFixed(0)} s)`);
  if (problems.failed) throw new BenchError('some measurements failed (see the notes above); the others are in the table');
}

await runCli(main);
