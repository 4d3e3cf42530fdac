// Versioned contracts of the JSON files the packages hand each other, and every artifact's
// file name. Browser-safe: reading from disk is in ../node/artifact-io.ts.
export * from './file-names.js';
export * from './artifact-error.js';
export * from './contract.js';
export * from './training-record.js';
export * from './export-report.js';
export * from './infer-report.js';
export * from './checkpoint.js';
