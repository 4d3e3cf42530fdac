// Node side of the web app: the Vite configuration and a server starter for tests and benches.
export * from './server/security-headers.js';
export * from './server/web-assets.js';
export * from './server/web-assets-plugin.js';
export * from './server/web-config.js';
export * from './server/start-web-server.js';
