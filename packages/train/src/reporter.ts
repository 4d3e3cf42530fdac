import { formatSkipped } from '@mnist-onnx/devices';
import cliProgress from 'cli-progress';
import type { BackendSelection } from './backends/registry.js';
import type { BatchProgress, TrainHooks, TrainResult } from './train.js';
import type { EpochStats } from './training-record.js';

export interface ReporterOptions {
  /** One JSON object per epoch on stdout and nothing else (other lines go to stderr). */
  json: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** The seed's log line for a batch, e.g. `Train Epoch: 3 [4000/8004 (50%)]  Loss: 0.123456`. */
export function formatBatchLine(p: Required<Pick<BatchProgress, 'epoch' | 'seen' | 'total' | 'loss'>>): string {
  return `Train Epoch: ${p.epoch} [${p.seen}/${p.total} (${Math.round((100 * p.seen) / p.total)}%)]  Loss: ${p.loss.toFixed(6)}`;
}

/** The seed's per-epoch line, e.g. `Test set: Average loss: 0.1234, Accuracy: 1923/1996 (96%)`. */
export function formatTestLine(s: Pick<EpochStats, 'testLoss' | 'testCorrect' | 'testCount'>): string {
  return `Test set: Average loss: ${s.testLoss.toFixed(4)}, Accuracy: ${s.testCorrect}/${s.testCount} (${Math.round((100 * s.testCorrect) / s.testCount)}%)`;
}

export function formatBackendLines(selection: BackendSelection): string[] {
  return [
    `backend: ${selection.name} (${selection.notes.join('; ')})`,
    ...selection.skipped.map(formatSkipped),
  ];
}

/**
 * Turns training events into what a person (or a script, with --json) reads: the seed's lines,
 * and on a terminal a live bar with batch, samples/s and ETA.
 */
export function createReporter(options: ReporterOptions): TrainHooks & { finish(result: TrainResult): void } {
  const { json, stdout, stderr } = options;
  const info = json ? stderr : stdout;
  const useBar = !json && stdout.isTTY === true;
  let bars: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let epochStart = 0;
  const say = (line: string) => (bars ? bars.log(`${line}\n`) : info.write(`${line}\n`));

  return {
    onBackend(selection) {
      formatBackendLines(selection).forEach((line) => info.write(`${line}\n`));
    },
    onStart({ options: o, startEpoch, trainCount, testCount, workerReason }) {
      const hp = o.hp;
      info.write(`preset ${o.preset}: ${trainCount} training / ${testCount} test samples, ${hp.epochs} epochs, batch ${hp.batchSize}, ${hp.optimizer} lr ${hp.lr} (${hp.schedule}), seed ${hp.seed}\n`);
      info.write(`trains on: ${workerReason}\n`);
      if (startEpoch > 0) info.write(`resuming after epoch ${startEpoch} from ${o.checkpointDir}\n`);
    },
    onBatch(p) {
      if (p.batch === 1) {
        epochStart = performance.now();
        if (useBar) {
          bars = new cliProgress.MultiBar({
            format: `epoch ${p.epoch} [{bar}] {value}/{total} batches | {rate} samples/s | ETA {eta_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            stream: stdout,
          }, cliProgress.Presets.shades_classic);
          bar = bars.create(p.batches, 0, { rate: '-' });
        }
      }
      if (p.loss !== undefined) {
        if (json) stderr.write(`${formatBatchLine({ ...p, loss: p.loss })}\n`);
        else say(formatBatchLine({ ...p, loss: p.loss }));
      }
      if (bar) {
        const seconds = (performance.now() - epochStart) / 1000;
        bar.update(p.batch, { rate: seconds > 0 ? Math.round((p.seen / seconds)).toString() : '-' });
      }
    },
    onEpoch(stats) {
      bars?.stop();
      bars = undefined;
      bar = undefined;
      if (json) {
        stdout.write(`${JSON.stringify(stats)}\n`);
        stderr.write(`${formatTestLine(stats)}\n`);
      } else {
        stdout.write(`${formatTestLine(stats)}  [${stats.seconds.toFixed(2)} s, ${Math.round(stats.samplesPerSecond)} samples/s]\n`);
      }
    },
    finish(result) {
      bars?.stop();
      const r = result.record;
      info.write(`saved ${result.modelDir} (test accuracy ${(100 * r.testAccuracy).toFixed(2)}%, ${r.wallSeconds.toFixed(1)} s on ${r.backend}); checkpoints in ${result.checkpointDir}\n`);
    },
  };
}
