// Everything the page may use too (browser-safe), then the Node-only modules.
export * from './browser.js';
export * from './read-tfjs-model.js';
export * from './quantize.js';
export * from './quantize-options.js';
export * from './inspect-onnx.js';
export * from './convert.js';
export * from './training-record.js';
export * from './tfjs-reference.js';
export * from './verify.js';
export * from './export-model.js';
export * from './model-forms.js';
