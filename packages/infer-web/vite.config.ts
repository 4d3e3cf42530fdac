import { defineConfig } from 'vite';
import { webConfig } from './src/server/web-config.js';

// `pnpm web` (dev), `build` and `preview` all use the page's one configuration; model and
// data default to artifacts/ (MNIST_ONNX_ARTIFACTS moves that folder).
export default defineConfig(webConfig());
