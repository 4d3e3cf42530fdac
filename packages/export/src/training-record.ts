import { join } from 'node:path';
import { ARTIFACT_FILES, ArtifactError, artifactView, trainingRecordContract, trainingRecordSchema } from '@mnist-onnx/mnist/artifacts';
import { readArtifactIfPresent } from '@mnist-onnx/mnist/node';
import { TrainingRecordError } from './errors.js';
import type { TrainingSummary } from './training-summary.js';

/**
 * The part of the training record export puts in the ONNX metadata, validated as such: a
 * record written by any version of train that has these fields exports, whatever
 * hyperparameters it lists; a foreign or damaged file does not.
 */
const provenanceView = artifactView(
  trainingRecordContract,
  trainingRecordSchema.pick({ preset: true, testAccuracy: true, finishedAt: true }).extend({
    dataset: trainingRecordSchema.shape.dataset.pick({ id: true }),
  }),
);

export type { TrainingSummary } from './training-summary.js';

/**
 * Reads `training-record.json` from the model folder. A missing record is fine (a model
 * trained elsewhere has none); a record that is there but unreadable is an error, because
 * silently dropping it would publish a model without its provenance.
 */
export async function readTrainingSummary(modelDir: string): Promise<TrainingSummary | undefined> {
  const file = join(modelDir, ARTIFACT_FILES.trainingRecord);
  try {
    const record = await readArtifactIfPresent(provenanceView, file);
    if (!record) return undefined;
    return { file, testAccuracy: record.testAccuracy, datasetId: record.dataset.id, preset: record.preset, finishedAt: record.finishedAt };
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    throw new TrainingRecordError(file, `${error.detail}; fix or delete it`, { cause: error });
  }
}
