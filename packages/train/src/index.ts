// @mnist-onnx/train: fit the MNIST MLP with TensorFlow.js on the best backend available.
export * from './backends/backend.js';
export * from './backends/registry.js';
// Everything the page may use too (browser-safe), then the Node-only modules.
export * from './browser.js';
export * from './checkpoint.js';
export * from './model-io.js';
export * from './options.js';
export * from './reporter.js';
export * from './train.js';
export * from './training-record.js';
export * from './versions.js';
