// Node side of the device policy: detections that read the file system or spawn a probe, and
// the Node registries (onnxruntime-node execution providers, tfjs training backends).
export * from './machine.js';
export * from './dawn-adapter.js';
export * from './ort-node-providers.js';
export * from './start-node-session.js';
export * from './tfjs-node-backends.js';
export * from './browser-probe.js';
export * from './survey.js';
export * from './format-survey.js';
