/**
 * Every file and folder name the packages agree on, in one place. The Node side turns them into
 * paths under the artifacts folder (node/paths.ts, `artifactPaths`); the page uses the bare
 * names. Renaming a file here renames it everywhere, at type-check time.
 */
export const ARTIFACT_FILES = {
  /** tfjs LayersModel topology + weight manifest (the name tfjs's own file handler uses). */
  tfjsModelJson: 'model.json',
  tfjsWeights: 'weights.bin',
  /** Written by train beside model.json. */
  trainingRecord: 'training-record.json',
  /** Written by export beside the ONNX file. */
  exportReport: 'export-report.json',
  onnxModel: 'mnist-mlp.onnx',
  /** Written by `pnpm infer --report` and by `pnpm start`. */
  inferReport: 'infer-report.json',
  /** `pnpm start`'s single-file report. */
  htmlReport: 'report.html',
} as const;

/** Where each artifact lives, relative to the artifacts folder (`artifacts/` or $MNIST_ONNX_ARTIFACTS). */
export const ARTIFACT_LAYOUT = {
  embeddedData: ['data', 'embedded'],
  fullMnist: ['data', 'mnist'],
  tfjsModel: ['model', 'tfjs'],
  trainingRecord: ['model', 'tfjs', ARTIFACT_FILES.trainingRecord],
  /** Train's checkpoints of the default model folder: `<model folder>-checkpoints`, beside it. */
  checkpoints: ['model', 'tfjs-checkpoints'],
  onnxModel: ['model', ARTIFACT_FILES.onnxModel],
  exportReport: ['model', ARTIFACT_FILES.exportReport],
  inferReport: [ARTIFACT_FILES.inferReport],
  htmlReport: [ARTIFACT_FILES.htmlReport],
} as const satisfies Record<string, readonly string[]>;

export type ArtifactPlace = keyof typeof ARTIFACT_LAYOUT;
