import { z } from 'zod';
import { defineArtifact } from './contract.js';

/** One epoch's figures, as `pnpm train --json` prints them and the record keeps them. */
export const epochStatsSchema = z.object({
  epoch: z.int(),
  /** Mean training loss over the epoch's samples (the objective, smoothing included). */
  trainLoss: z.number(),
  /** Accuracy on the training batches as they were seen (augmented), during the epoch. */
  trainAccuracy: z.number(),
  /** Mean loss on the test set (plain targets, no smoothing). */
  testLoss: z.number(),
  testAccuracy: z.number(),
  testCorrect: z.int(),
  testCount: z.int(),
  /** Training time of the epoch (without the test pass). */
  seconds: z.number(),
  samplesPerSecond: z.number(),
  /** Learning rate of the epoch's last update. */
  lr: z.number(),
});
export type EpochStats = z.infer<typeof epochStatsSchema>;

export const datasetFileSchema = z.object({ name: z.string(), sha256: z.string() });

export const trainingRecordSchema = z.object({
  preset: z.string(),
  /**
   * Every value that decided what the run computed. Train owns their names and meaning (its
   * `Hyperparameters`); the record keeps them as plain values, so a record written before a
   * hyperparameter existed still reads.
   */
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.number())])),
  dataset: z.object({
    id: z.string(),
    source: z.string(),
    trainCount: z.int(),
    testCount: z.int(),
    files: z.array(datasetFileSchema),
  }),
  history: z.array(epochStatsSchema),
  backend: z.string(),
  /** The backend's own notes, then one `skipped <name>: <reason>` per backend passed over. */
  backendNotes: z.array(z.string()),
  versions: z.record(z.string(), z.string()),
  /** Wall time of the whole run, including earlier runs of a resumed one. */
  wallSeconds: z.number(),
  /** The epoch a `--resume` run started after (absent for a fresh run). */
  resumedFromEpoch: z.int().optional(),
  testAccuracy: z.number(),
  testCorrect: z.int(),
  testCount: z.int(),
  finishedAt: z.string(),
});

/** What `training-record.json` (beside model.json) holds: written by train, read by export and the report. */
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;

export const trainingRecordContract = defineArtifact<TrainingRecord>({
  title: 'training record',
  format: 'mnist-onnx-training-record',
  version: 1,
  schema: trainingRecordSchema,
  readsUnversioned: true,
});
