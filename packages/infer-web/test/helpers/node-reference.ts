import { readFile } from 'node:fs/promises';
import { argmaxRows, confusionMatrix, NUM_CLASSES, PIXELS, type Dataset } from '@mnist-onnx/mnist';
import * as ort from 'onnxruntime-node';

/** The test set through onnxruntime-node (cpu), fed as `pnpm infer` feeds it: pixels / 255. */
export async function nodeTestSetConfusion(modelFile: string, test: Dataset): Promise<{ correct: number; confusion: number[][] }> {
  const session = await ort.InferenceSession.create(await readFile(modelFile));
  try {
    const input = new ort.Tensor('float32', test.pixels01(), [test.count, PIXELS]);
    const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
    const confusion = confusionMatrix(argmaxRows(output.data as Float32Array, NUM_CLASSES), test.labels);
    return { correct: confusion.reduce((sum, row, t) => sum + row[t], 0), confusion };
  } finally {
    await session.release();
  }
}
