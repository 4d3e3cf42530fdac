import { Dataset, decodeIdxImages, decodeIdxLabels, IMAGE_SIDE } from '@mnist-onnx/mnist';
import { fetchBytes } from '../fetch-bytes.js';
import { TRAIN_ASSET_PATHS } from './train-assets.js';

/** The embedded training split (8,004 digits), fetched as the two IDX files the server provides. */
export async function loadTrainSet(baseUrl: string = document.baseURI): Promise<Dataset> {
  const { trainImages, trainLabels } = TRAIN_ASSET_PATHS;
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(new URL(trainImages, baseUrl).href), fetchBytes(new URL(trainLabels, baseUrl).href)]);
  const images = decodeIdxImages(imageBytes, trainImages);
  if (images.rows !== IMAGE_SIDE || images.cols !== IMAGE_SIDE) {
    throw new Error(`${trainImages}: images are ${images.rows}×${images.cols}; expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  const labels = decodeIdxLabels(labelBytes, trainLabels);
  if (labels.length !== images.count) throw new Error(`${trainLabels}: ${labels.length} labels for ${images.count} images`);
  return new Dataset(images.pixels, labels);
}
