import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DatasetError, IDX_FILES, IMAGE_SIDE, IdxFormatError } from '@mnist-onnx/mnist';
import { artifactPaths, openIdxImagesStream, openIdxLabelsStream, prepareEmbedded, type IdxStream } from '@mnist-onnx/mnist/node';

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
 * Opens the test images and labels of `embedded` (materialised on first use), `mnist` (from
 * `pnpm data download`) or a folder holding t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte
 * (gzipped or not), for streaming.
 */
export async function openTestSet(spec = 'embedded'): Promise<StreamedTestSet> {
  let dir: string;
  let id: string;
  if (spec === 'embedded') {
    dir = artifactPaths.embeddedData();
    await prepareEmbedded(dir);
    id = 'embedded';
  } else if (spec === 'mnist') {
    dir = artifactPaths.fullMnist();
    if (!existsSync(dir)) throw new DatasetError(`${dir}: full MNIST is not downloaded yet; run pnpm data download`);
    id = 'mnist';
  } else {
    dir = resolve(spec);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetError(`--data ${spec}: no such data folder (expected embedded, mnist or a folder of IDX files)`);
    id = `dir:${dir}`;
  }
  const images = await openIdxImagesStream(findIdxFile(dir, IDX_FILES.testImages));
  let labels: IdxStream;
  try {
    if (images.itemShape[0] !== IMAGE_SIDE || images.itemShape[1] !== IMAGE_SIDE) {
      throw new IdxFormatError(images.path, `images are ${images.itemShape.join('×')}, expected 28×28`);
    }
    labels = await openIdxLabelsStream(findIdxFile(dir, IDX_FILES.testLabels));
  } catch (error) {
    await images.close();
    throw error;
  }
  const close = async () => {
    await images.close();
    await labels.close();
  };
  if (labels.count !== images.count) {
    await close();
    throw new IdxFormatError(labels.path, `${labels.count} labels for ${images.count} images in ${basename(images.path)}`);
  }
  return {
    id,
    imagesPath: images.path,
    labelsPath: labels.path,
    count: images.count,
    async *batches(batchSize: number) {
      for (let done = 0; done < images.count; done += batchSize) {
        const n = Math.min(batchSize, images.count - done);
        yield { images: await images.read(n), labels: await labels.read(n) };
      }
    },
    close,
  };
}

/** Accepts `name`, `name.gz`, and the `t10k-images.idx3-ubyte` spelling some archives use. */
function findIdxFile(dir: string, name: string): string {
  const dotted = name.replace(/-(idx\d-ubyte)$/, '.$1');
  const found = [name, `${name}.gz`, dotted, `${dotted}.gz`].map((c) => join(dir, c)).find((p) => existsSync(p));
  if (!found) throw new DatasetError(`${dir}: missing ${name} (or ${name}.gz)`);
  return found;
}
