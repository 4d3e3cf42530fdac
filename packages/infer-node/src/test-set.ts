import { assertMnistSplit } from '@mnist-onnx/mnist';
import { findIdxFile, openIdxImagesStream, openIdxLabelsStream, resolveDataset, type IdxStream } from '@mnist-onnx/mnist/node';

export interface TestBatch {
  /** batch × 784 bytes, 0–255, white digit on black. */
  images: Uint8Array;
  labels: Uint8Array;
}

/** A test split read from disk a batch at a time, whatever its size. */
export interface StreamedTestSet {
  /** `embedded`, `mnist`, or `dir:<absolute path>`. */
  id: string;
  imagesPath: string;
  labelsPath: string;
  count: number;
  batches(batchSize: number): AsyncGenerator<TestBatch>;
  close(): Promise<void>;
}

/**
 * Opens the test images and labels of a `--data` value (resolved by the data layer, like every
 * other tool's) for streaming, so a test set of any size costs one batch of memory.
 */
export async function openTestSet(spec = 'embedded'): Promise<StreamedTestSet> {
  const { id, dir } = await resolveDataset(spec);
  const images = await openIdxImagesStream(findIdxFile(dir, 'testImages'));
  let labels: IdxStream | undefined;
  try {
    const [rows, cols] = images.itemShape;
    labels = await openIdxLabelsStream(findIdxFile(dir, 'testLabels'));
    assertMnistSplit({ file: images.path, count: images.count, rows, cols }, { file: labels.path, count: labels.count });
  } catch (error) {
    await images.close();
    await labels?.close();
    throw error;
  }
  const opened = labels;
  return {
    id,
    imagesPath: images.path,
    labelsPath: labels.path,
    count: images.count,
    async *batches(batchSize: number) {
      for (let done = 0; done < images.count; done += batchSize) {
        const n = Math.min(batchSize, images.count - done);
        yield { images: await images.read(n), labels: await opened.read(n) };
      }
    },
    async close() {
      await images.close();
      await opened.close();
    },
  };
}
