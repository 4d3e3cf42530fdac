import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrainingRecordError } from './errors.js';

/** The parts of packages/train's `training-record.json` that end up in the ONNX metadata. */
export interface TrainingSummary {
  file: string;
  testAccuracy: number | undefined;
  datasetId: string | undefined;
  preset: string | undefined;
  finishedAt: string | undefined;
}

/**
 * Reads `training-record.json` from the model folder. A missing record is fine (a model
 * trained elsewhere has none); a record that is there but unreadable is an error, because
 * silently dropping it would publish a model without its provenance.
 */
export async function readTrainingSummary(modelDir: string): Promise<TrainingSummary | undefined> {
  const file = join(modelDir, 'training-record.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TrainingRecordError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new TrainingRecordError(file, `not valid JSON (${(error as Error).message}); fix or delete it`, { cause: error });
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new TrainingRecordError(file, 'expected a JSON object');
  const r = record as Record<string, unknown>;
  const dataset = typeof r.dataset === 'object' && r.dataset !== null ? (r.dataset as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    file,
    testAccuracy: typeof r.testAccuracy === 'number' && Number.isFinite(r.testAccuracy) ? r.testAccuracy : undefined,
    datasetId: str(dataset.id),
    preset: str(r.preset),
    finishedAt: str(r.finishedAt),
  };
}
