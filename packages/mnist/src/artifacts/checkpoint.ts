import { z } from 'zod';
import { defineArtifact } from './contract.js';
import { datasetFileSchema, epochStatsSchema } from './training-record.js';

/**
 * `checkpoint.json`, written by train after every epoch beside `state.bin` (the weights and
 * optimizer slots, float32, in the order of `tensors`), read back by `--resume`.
 */
export const checkpointSchema = z.object({
  preset: z.string(),
  /** The run's hyperparameters, compared with the resuming run's one by one. */
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.number())])),
  datasetId: z.string(),
  datasetFiles: z.array(datasetFileSchema),
  trainCount: z.int().nonnegative(),
  maxBatches: z.int().positive().nullable(),
  /** Epochs completed. */
  epoch: z.int().positive(),
  /** The shuffling/augmentation RNG's state after the epoch. */
  rngState: z.number(),
  history: z.array(epochStatsSchema),
  elapsedSeconds: z.number().nonnegative(),
  optimizer: z.object({
    name: z.string(),
    step: z.int().nonnegative(),
    /** Slot names (`m`, `v`, `momentum`); their tensors are named `<slot>_<i>`. */
    slots: z.array(z.string()),
  }),
  /** What `state.bin` holds, in order: `weight_<i>` then each slot's tensors. */
  tensors: z.array(z.object({ name: z.string(), length: z.int().nonnegative() })).min(1),
});

export type CheckpointMeta = z.infer<typeof checkpointSchema>;

export const checkpointContract = defineArtifact<CheckpointMeta>({
  title: 'training checkpoint',
  format: 'mnist-onnx-train-checkpoint',
  version: 1,
  schema: checkpointSchema,
  readsUnversioned: false,
});
