// Browser-safe root of @mnist-onnx/train (`@mnist-onnx/train/browser`): what a page needs to
// train the MLP with the same code as `pnpm train` — the model, the hand-written gradients, the
// optimizers, presets, hyperparameters, the learning-rate schedule, host-built batches, the
// epoch loop and the test-set evaluation. Files, checkpoints, worker threads and native
// backends stay at the Node root (`@mnist-onnx/train`). tsconfig.browser.json type-checks this
// file without Node's types.
export * from './batch-source.js';
export * from './device-batches.js';
export * from './epoch-loop.js';
export * from './errors.js';
export * from './evaluate.js';
export * from './fast-mlp.js';
export * from './host-batches.js';
export * from './hyperparameters.js';
export * from './model.js';
export * from './optimizers.js';
export * from './presets.js';
export * from './schedule.js';
