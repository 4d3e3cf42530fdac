import { MnistOnnxError } from '@mnist-onnx/mnist';
import { describeError } from '@mnist-onnx/mnist/node';
import type { StageTiming } from './report-data.js';

export const STAGES = ['data', 'train', 'export', 'infer'] as const;
export type StageName = (typeof STAGES)[number];

/**
 * A stage failed. `cause` is what it threw (its one-line message is what the user reads);
 * every stage writes its outputs atomically, so the artifacts of earlier stages are intact.
 */
export class StageFailedError extends MnistOnnxError {
  readonly stage: StageName;
  constructor(stage: StageName, cause: unknown) {
    super('PIPELINE_STAGE', `stage "${stage}" failed: ${describeError(cause)}`, { cause });
    this.stage = stage;
  }
}

/**
 * Runs the stages in order, each under its heading, and times them. A stage that throws stops
 * the pipeline with a StageFailedError naming it.
 */
export class StageRunner {
  readonly timings: StageTiming[] = [];
  constructor(private readonly heading: (name: StageName) => void) {}

  async run<T>(name: StageName, work: () => Promise<T>): Promise<T> {
    this.heading(name);
    const started = performance.now();
    let result: T;
    try {
      result = await work();
    } catch (error) {
      throw new StageFailedError(name, error);
    }
    this.timings.push({ name, seconds: (performance.now() - started) / 1000 });
    return result;
  }
}
