import { TRAINING_FLOPS_PER_SAMPLE } from './figures.js';
import type { BenchOptions } from './options.js';
import type { PeakSamples } from './matmul-peak.js';
import { measurePytorchTraining, type ReferenceRunner } from './pytorch.js';
import { recipe } from './recipes.js';
import type { TrainingComparison } from './report.js';
import { log, Series, tfjsThreads, threadsLabel, type Pending, type Problems } from './series.js';
import { formatRate } from './table.js';
import { measureTfjsTraining } from './tfjs-training.js';

/** Samples per epoch the slow backends (cpu, webgpu on a software adapter) are timed on. */
export const SLOW_BACKEND_SAMPLES = 800;
export const isSlow = (backend: string) => backend === 'cpu' || backend === 'webgpu';

/**
 * Training samples/s of each tfjs backend and of PyTorch at each thread count for each recipe,
 * alternating (tfjs backends, PyTorch at 1, 2, … threads, tfjs backends, …) round by round.
 */
export async function benchTraining(options: BenchOptions, reference: ReferenceRunner, dataDir: string, peaks: PeakSamples, problems: Problems): Promise<Pending<TrainingComparison[]>> {
  const comparisons: Pending<TrainingComparison>[] = [];
  const unavailable = new Set<string>();
  for (const name of options.recipes) {
    const r = recipe(name);
    const series = new Series('PyTorch');
    for (let round = 1; round <= options.rounds; round++) {
      for (const backend of options.backends.filter((b) => !unavailable.has(b))) {
        const slow = isSlow(backend);
        try {
          const m = await measureTfjsTraining({
            backend,
            preset: r.preset,
            overrides: r.overrides,
            // Slow backends: one timed epoch, cut to SLOW_BACKEND_SAMPLES.
            seconds: slow ? 0 : options.seconds,
            ...(slow ? { maxBatches: Math.ceil(SLOW_BACKEND_SAMPLES / r.hp.batchSize) } : {}),
            // One thread, as the table says: worker threads have their own table (bench-workers.ts).
            workers: 0,
          });
          series.add(`tfjs ${backend}`, tfjsThreads(backend), m, m.notes);
          log(`round ${round}/${options.rounds} · ${r.name} · tfjs ${backend}: ${formatRate(m.perSecond)} samples/s (loss ${m.lossLastEpoch.toFixed(3)})`);
        } catch (error) {
          unavailable.add(backend);
          problems.report(`tfjs ${backend} training`, error);
        }
      }
      for (const m of await measurePytorchTraining(reference, dataDir, r.hp, options.threads, options.seconds)) {
        peaks.add({ [m.threads]: m.matmulGflops });
        series.add('PyTorch', m.threads, m, [`test accuracy after the timed epochs: ${(100 * m.testAccuracy).toFixed(1)}%`]);
        log(`round ${round}/${options.rounds} · ${r.name} · PyTorch (${threadsLabel(m.threads)}): ${formatRate(m.perSecond)} samples/s (loss ${m.lossLastEpoch.toFixed(3)})`);
      }
    }
    comparisons.push((peak) => ({
      recipe: r.name,
      description: r.description,
      batchSize: r.hp.batchSize,
      pytorchBest: series.best() ?? null,
      rows: series.rows(TRAINING_FLOPS_PER_SAMPLE, peak),
    }));
  }
  return (peak) => comparisons.map((c) => c(peak));
}
