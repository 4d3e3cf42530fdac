// Programmatic API of `pnpm infer`: onnxruntime-node inference with GPU-first provider selection.
export * from './errors.js';
export * from './execution-provider.js';
export * from './model-file.js';
export * from './input-convention.js';
export * from './create-session.js';
export * from './classifier.js';
export * from './test-set.js';
export * from './test-set-mode.js';
export * from './image-files.js';
export * from './image-mode.js';
export * from './report.js';
export * from './format-report.js';
export * from './progress.js';
export * from './run-inference.js';
