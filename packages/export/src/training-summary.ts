/**
 * The parts of packages/train's `training-record.json` that end up in the ONNX metadata. Its own
 * file, apart from the reader of the record (training-record.ts, Node), so the metadata builder
 * stays browser-safe (src/browser.ts): the page fills it from the run it just trained.
 */
export interface TrainingSummary {
  file: string;
  testAccuracy: number | undefined;
  datasetId: string | undefined;
  preset: string | undefined;
  finishedAt: string | undefined;
}
