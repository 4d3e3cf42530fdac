// Test-only helpers shared by every package's suite (never imported by product code).
export * from './paths.js';
export * from './temp.js';
export * from './cli.js';
export * from './gpu-env.js';
export * from './machine.js';
export * from './chromium.js';
export * from './kill.js';
export * from './peak-rss.js';
