// Browser-safe root of the device policy: the vocabulary, the software-adapter rule, the one
// selection routine, the one way every onnxruntime session starts, and the page's own registries.
// Node detections live behind ./node.
export * from './device.js';
export * from './errors.js';
export * from './adapter-rule.js';
export * from './select-device.js';
export * from './start-session.js';
export * from './web-providers.js';
export * from './web-training-backends.js';
