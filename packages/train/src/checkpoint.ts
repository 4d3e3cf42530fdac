import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointContract, serializeArtifact, type CheckpointMeta } from '@mnist-onnx/mnist/artifacts';
import { readArtifact, replaceDirAtomic, settleOutput } from '@mnist-onnx/mnist/node';
import { CheckpointError } from './errors.js';
import type { Hyperparameters } from './hyperparameters.js';
import type { OptimizerState } from './optimizers.js';
import type { EpochStats } from './training-record.js';

export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_STATE = 'state.bin';

/**
 * Where a model folder's checkpoints go unless --checkpoint-dir says otherwise: beside it, named
 * after it, so runs with different --out folders never share (or overwrite) one.
 */
export const defaultCheckpointDir = (modelDir: string) => `${modelDir}-checkpoints`;

/** What must match for a checkpoint to continue this run. */
export interface RunIdentity {
  preset: string;
  hyperparameters: Hyperparameters;
  datasetId: string;
  datasetFiles: { name: string; sha256: string }[];
  trainCount: number;
  maxBatches: number | null;
}

export interface Checkpoint extends RunIdentity {
  /** Epochs completed. */
  epoch: number;
  /** Weights in `model.getWeights()` order. */
  weights: Float32Array[];
  optimizer: OptimizerState;
  /** The shuffling/augmentation RNG's state after the epoch. */
  rngState: number;
  history: EpochStats[];
  /** Wall time spent so far. */
  elapsedSeconds: number;
}

/**
 * Saves the state after a complete epoch: `checkpoint.json` (run identity, epoch, RNG,
 * history) and `state.bin` (weights and optimizer slots, float32 little-endian, back to back).
 * The folder is replaced atomically, so a kill at any moment leaves the previous checkpoint.
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const tensors: { name: string; data: Float32Array }[] = checkpoint.weights.map((data, i) => ({ name: `weight_${i}`, data }));
  for (const [slot, arrays] of Object.entries(checkpoint.optimizer.slots)) {
    arrays.forEach((data, i) => tensors.push({ name: `${slot}_${i}`, data }));
  }
  const total = tensors.reduce((sum, t) => sum + t.data.length, 0);
  const state = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    state.set(t.data, offset);
    offset += t.data.length;
  }
  const { weights: _w, optimizer, hyperparameters, ...rest } = checkpoint;
  const meta: CheckpointMeta = {
    ...rest,
    hyperparameters: { ...hyperparameters },
    optimizer: { name: optimizer.name, step: optimizer.step, slots: Object.keys(optimizer.slots) },
    tensors: tensors.map((t) => ({ name: t.name, length: t.data.length })),
  };
  const text = serializeArtifact(checkpointContract, meta, join(dir, CHECKPOINT_JSON));
  await replaceDirAtomic(dir, CHECKPOINT_JSON, async (temp) => {
    await writeFile(join(temp, CHECKPOINT_STATE), new Uint8Array(state.buffer));
    await writeFile(join(temp, CHECKPOINT_JSON), text);
  });
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_JSON));
}

export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const jsonPath = join(dir, CHECKPOINT_JSON);
  const statePath = join(dir, CHECKPOINT_STATE);
  // A run killed while swapping the folder in leaves it for the next start to finish.
  await settleOutput(dir);
  if (!hasCheckpoint(dir)) throw new CheckpointError(`${jsonPath}: no checkpoint to resume from (run without --resume first)`);
  const meta = await readArtifact(checkpointContract, jsonPath);
  let bytes: Buffer;
  try {
    bytes = await readFile(statePath);
  } catch (error) {
    throw new CheckpointError(`${statePath}: cannot read (${(error as NodeJS.ErrnoException).code})`, { cause: error });
  }
  const entries = meta.tensors;
  const expected = entries.reduce((sum, t) => sum + t.length * 4, 0);
  if (bytes.byteLength !== expected) throw new CheckpointError(`${statePath}: ${bytes.byteLength} bytes, expected ${expected}`);
  const state = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const byName = new Map<string, Float32Array>();
  let offset = 0;
  for (const t of entries) {
    byName.set(t.name, state.slice(offset, offset + t.length));
    offset += t.length;
  }
  const pick = (prefix: string) => entries.filter((t) => t.name.startsWith(`${prefix}_`)).map((t) => byName.get(t.name)!);
  const weights = pick('weight');
  const slots: Record<string, Float32Array[]> = {};
  for (const slot of meta.optimizer.slots) {
    slots[slot] = pick(slot);
    if (slots[slot].length !== weights.length) {
      throw new CheckpointError(`${jsonPath}: optimizer.slots: slot "${slot}" has ${slots[slot].length} tensors in tensors, expected ${weights.length} (one per weight)`);
    }
  }
  const { tensors: _t, ...rest } = meta;
  // The hyperparameters are checked against this run's, key by key, by assertSameRun.
  return { ...rest, weights, optimizer: { name: meta.optimizer.name, step: meta.optimizer.step, slots } } as unknown as Checkpoint;
}

/** Throws CheckpointError naming the first setting that differs between the checkpoint and this run. */
export function assertSameRun(dir: string, checkpoint: RunIdentity, run: RunIdentity): void {
  const differences: string[] = [];
  const compare = (name: string, saved: unknown, now: unknown) => {
    if (JSON.stringify(saved) !== JSON.stringify(now)) differences.push(`${name} ${JSON.stringify(saved)} (this run: ${JSON.stringify(now)})`);
  };
  compare('preset', checkpoint.preset, run.preset);
  for (const key of Object.keys(run.hyperparameters) as (keyof Hyperparameters)[]) {
    compare(key, checkpoint.hyperparameters[key], run.hyperparameters[key]);
  }
  compare('dataset', checkpoint.datasetId, run.datasetId);
  compare('dataset files', checkpoint.datasetFiles, run.datasetFiles);
  compare('training samples', checkpoint.trainCount, run.trainCount);
  compare('max batches', checkpoint.maxBatches, run.maxBatches);
  if (differences.length > 0) {
    throw new CheckpointError(`${join(dir, CHECKPOINT_JSON)}: made by a different run: ${differences[0]}; use the same flags or start without --resume`);
  }
}
