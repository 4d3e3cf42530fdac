import { IDX_FILES } from '@mnist-onnx/mnist';

/**
 * Where the page finds the model, the test set and onnxruntime's files, relative to the page,
 * so the site works from any folder of any host. The server side serves and copies exactly
 * these (src/server/web-assets.ts).
 */
export const ASSET_PATHS = {
  model: 'mnist-mlp.onnx',
  testImages: `data/${IDX_FILES.testImages}`,
  testLabels: `data/${IDX_FILES.testLabels}`,
  ortDir: 'ort/',
} as const;
