// The model contract and runtime core, browser-safe: how an ONNX MNIST classifier is read (one
// ONNX reader, its signature, its input convention, its metadata) and run (one run loop), shared
// by `pnpm infer`, the page, export's verification and the benches.
export * from './model-errors.js';
export * from './onnx-model-info.js';
export * from './signature.js';
export * from './input-convention.js';
export * from './metadata.js';
export * from './run-bounds.js';
export * from './classifier-runner.js';
export * from './model-form.js';
