import type { Dataset } from '@mnist-onnx/mnist';
import { INFERENCE_FLOPS_PER_SAMPLE } from './figures.js';
import { measureOnnxruntime, onnxModel } from './onnx-inference.js';
import type { BenchOptions } from './options.js';
import type { PeakSamples } from './matmul-peak.js';
import { measurePytorchInference, type ReferenceRunner } from './pytorch.js';
import type { BenchResult, InferenceComparison } from './report.js';
import { log, Series, tfjsThreads, threadsLabel, type Pending, type Problems } from './series.js';
import { formatRate } from './table.js';
import { measureTfjsPredict } from './tfjs-inference.js';

/**
 * Inference images/s on the test set of onnxruntime-node and PyTorch eval at each thread count
 * and of tfjs predict on each backend, at each batch size, alternating round by round.
 */
export async function benchInference(options: BenchOptions, reference: ReferenceRunner, dataDir: string, test: Dataset, peaks: PeakSamples, problems: Problems): Promise<Pending<NonNullable<BenchResult['inference']>>> {
  const batches = options.inferBatches;
  const threadCounts = options.threads;
  const perBatch = new Map(batches.map((b) => [String(b), new Series('PyTorch eval')]));
  const seconds = Math.max(0.5, options.seconds / 2);
  const model = await onnxModel();
  const unavailable = new Set<string>();
  for (let round = 1; round <= options.rounds; round++) {
    for (const threads of threadCounts) {
      const figures = await measureOnnxruntime(model, test, batches, threads, seconds, options.spin);
      for (const [batch, m] of figures) perBatch.get(batch)!.add('onnxruntime-node', threads, m, ['CPU execution provider']);
      log(`round ${round}/${options.rounds} · onnxruntime-node (${threadsLabel(threads)}): ${[...figures].map(([b, m]) => `batch ${b} ${formatRate(m.perSecond)}`).join(', ')} images/s`);
    }
    for (const backend of options.backends.filter((b) => !unavailable.has(b))) {
      try {
        const { figures, notes } = await measureTfjsPredict(backend, test, batches, seconds);
        for (const [batch, m] of figures) perBatch.get(batch)!.add(`tfjs ${backend} predict`, tfjsThreads(backend), m, notes);
        log(`round ${round}/${options.rounds} · tfjs ${backend} predict: ${[...figures].map(([b, m]) => `batch ${b} ${formatRate(m.perSecond)}`).join(', ')} images/s`);
      } catch (error) {
        unavailable.add(backend);
        problems.report(`tfjs ${backend} predict`, error);
      }
    }
    for (const { threads, figures, matmulGflops } of await measurePytorchInference(reference, dataDir, batches, threadCounts, seconds)) {
      peaks.add({ [threads]: matmulGflops });
      for (const [batch, m] of figures) perBatch.get(batch)!.add('PyTorch eval', threads, m, ['torch.inference_mode()']);
      log(`round ${round}/${options.rounds} · PyTorch eval (${threadsLabel(threads)}): ${[...figures].map(([b, m]) => `batch ${b} ${formatRate(m.perSecond)}`).join(', ')} images/s`);
    }
  }
  return (peak) => {
    const comparisons: InferenceComparison[] = [...perBatch].map(([batch, series]) => ({
      batch,
      pytorchBest: series.best() ?? null,
      rows: series.rows(INFERENCE_FLOPS_PER_SAMPLE, peak),
    }));
    return { model: model.description, images: test.count, comparisons };
  };
}

