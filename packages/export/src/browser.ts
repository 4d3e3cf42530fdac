// Browser-safe root of @mnist-onnx/export (`@mnist-onnx/export/browser`): the ONNX graph
// builder, the folding of the input normalisation into the first layer, the metadata and
// doc string every exported file carries, float16, and the reading of a tfjs topology. Reading model folders, verification in
// onnxruntime-node and writing files stay at the Node root (`@mnist-onnx/export`).
// tsconfig.browser.json type-checks this file without Node's types.
export * from './build-onnx.js';
export * from './errors.js';
export * from './float16.js';
export * from './fold-normalization.js';
export * from './graph-builder.js';
export * from './import-onnx.js';
export * from './metadata.js';
export * from './mlp-spec.js';
export * from './set-metadata.js';
export * from './topology.js';
export type { TrainingSummary } from './training-summary.js';
export type { Weight } from './weight.js';
