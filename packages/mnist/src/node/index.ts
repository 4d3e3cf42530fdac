// Node-only part of the data layer: files, gzip, downloads, the artifacts folder, CLI support.
export * from './atomic-output.js';
export * from './paths.js';
export * from './artifact-io.js';
export * from './idx-file.js';
export * from './idx-stream.js';
export * from './embedded.js';
export * from './resolve-dataset.js';
export * from './load-dataset.js';
export * from './download.js';
export * from './cli-support.js';
export * from './cli-flags.js';
export * from './output-paths.js';
