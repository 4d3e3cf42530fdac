// The one-command pipeline behind `pnpm start`, and the report it draws.
export * from './report-data.js';
export * from './machine-info.js';
export * from './report-html.js';
export * from './summary-table.js';
export * from './collect-report.js';
export * from './stage.js';
export * from './run-pipeline.js';
