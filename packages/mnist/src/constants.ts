/** The normalisation constants of the MNIST training set, defined here and nowhere else. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** MNIST images are 28×28 grayscale, white digit on black, row-major. */
export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;
export const LABELS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Standard IDX file names, as published with MNIST (without the `.gz` suffix). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxFileRole = keyof typeof IDX_FILES;
