import { Dataset, decodeIdxImages, decodeIdxLabels, IMAGE_SIDE } from '@mnist-onnx/mnist';
import { ASSET_PATHS } from '../asset-paths.js';
import { fetchBytes } from '../fetch-bytes.js';

/** The embedded test split, fetched as the two standard IDX files the server provides. */
export async function loadTestSet(baseUrl: string = document.baseURI): Promise<Dataset> {
  const imagesUrl = new URL(ASSET_PATHS.testImages, baseUrl).href;
  const labelsUrl = new URL(ASSET_PATHS.testLabels, baseUrl).href;
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(imagesUrl), fetchBytes(labelsUrl)]);
  const images = decodeIdxImages(imageBytes, ASSET_PATHS.testImages);
  if (images.rows !== IMAGE_SIDE || images.cols !== IMAGE_SIDE) {
    throw new Error(`${ASSET_PATHS.testImages}: images are ${images.rows}×${images.cols}; expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  const labels = decodeIdxLabels(labelBytes, ASSET_PATHS.testLabels);
  if (labels.length !== images.count) {
    throw new Error(`${ASSET_PATHS.testLabels}: ${labels.length} labels for ${images.count} images`);
  }
  return new Dataset(images.pixels, labels);
}
