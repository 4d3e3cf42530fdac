import type { Hyperparameters } from './hyperparameters.js';

/** One epoch's figures, as `--json` prints them and the record keeps them. */
export interface EpochStats {
  epoch: number;
  /** Mean training loss over the epoch's samples (the objective, smoothing included). */
  trainLoss: number;
  /** Accuracy on the training batches as they were seen (augmented), during the epoch. */
  trainAccuracy: number;
  /** Mean loss on the test set (plain targets, no smoothing). */
  testLoss: number;
  testAccuracy: number;
  testCorrect: number;
  testCount: number;
  /** Training time of the epoch (without the test pass). */
  seconds: number;
  samplesPerSecond: number;
  /** Learning rate of the epoch's last update. */
  lr: number;
}

/** What `training-record.json` holds; export and the report read it. */
export interface TrainingRecord {
  preset: string;
  hyperparameters: Hyperparameters;
  dataset: {
    id: string;
    source: string;
    trainCount: number;
    testCount: number;
    files: { name: string; sha256: string }[];
  };
  history: EpochStats[];
  backend: string;
  backendNotes: string[];
  versions: Record<string, string>;
  /** Wall time of the whole run, including earlier runs of a resumed one. */
  wallSeconds: number;
  /** The epoch a `--resume` run started after (absent for a fresh run). */
  resumedFromEpoch?: number;
  testAccuracy: number;
  testCorrect: number;
  testCount: number;
  finishedAt: string;
}

export const TRAINING_RECORD = 'training-record.json';
