// Browser-safe root of the data layer: no fs, zlib or network here (see ./node for those).
export * from './constants.js';
export * from './errors.js';
export * from './random.js';
export * from './idx.js';
export * from './dataset.js';
export * from './metrics.js';
export * from './preprocess.js';
// The classifier contract: ONNX reader, signature, input convention (see classifier/index.ts).
export * from './classifier/index.js';
// File names only: the artifact contracts (zod schemas) are behind @mnist-onnx/mnist/artifacts,
// so the page does not carry a validator it does not use.
export * from './artifacts/file-names.js';
