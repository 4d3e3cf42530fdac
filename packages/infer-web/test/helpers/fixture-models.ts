import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportModel } from '@mnist-onnx/export';
import { PIXELS } from '@mnist-onnx/mnist';
import { train } from '@mnist-onnx/train';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface FixtureModels {
  /** [N,784] raw pixels in [0,1] (normalisation folded), output logits: what `pnpm export` writes. */
  flat: string;
  /** The same model taking normalised pixels, as its metadata says (`--no-fold-normalization`). */
  normalized: string;
  /** The same model with a [N,1,28,28] input and only a Softmax `probabilities` output. */
  nchw: string;
  /** Not a model: random bytes named .onnx. */
  corrupt: string;
}

/**
 * Trains the real MLP with `pnpm train`'s own code (default preset, shortened to 4 epochs, a
 * few seconds on wasm) on the embedded data of the current artifacts folder, and exports it with
 * `pnpm export`'s own code in the variants the page must all read correctly.
 */
export async function writeFixtureModels(dir: string): Promise<FixtureModels> {
  await mkdir(dir, { recursive: true });
  const tfjsDir = join(dir, 'tfjs');
  const { model } = await train({ out: tfjsDir, checkpointDir: join(dir, 'checkpoints'), backend: 'wasm', overrides: { epochs: 4 } });
  model.dispose();
  const files: FixtureModels = {
    flat: join(dir, 'mnist-mlp.onnx'),
    normalized: join(dir, 'normalized-input.onnx'),
    nchw: join(dir, 'nchw-input.onnx'),
    corrupt: join(dir, 'corrupt.onnx'),
  };
  const withProbabilities = join(dir, 'with-probabilities.onnx');
  await exportModel({ in: tfjsDir, out: files.flat });
  await exportModel({ in: tfjsDir, out: files.normalized, foldNormalization: false });
  await exportModel({ in: tfjsDir, out: withProbabilities, probabilities: true });
  await writeFile(files.nchw, withNchwInput(await readFile(withProbabilities)));
  await writeFile(files.corrupt, corruptBytes());
  return files;
}

/**
 * Renames the input to `image` [N,1,28,28] and adds a Reshape back to the `pixels` [N,784] the
 * rest of the graph reads; keeps only the `probabilities` output.
 */
function withNchwInput(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const input = graph.input![0];
  const flatName = input.name!;
  input.name = 'image';
  input.type!.tensorType!.shape!.dim = [{ dimParam: 'N' }, { dimValue: 1 }, { dimValue: 28 }, { dimValue: 28 }].map((d) => onnx.TensorShapeProto.Dimension.create(d));
  graph.initializer!.push(onnx.TensorProto.create({ name: 'flat_shape', dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [0, PIXELS] }));
  graph.node!.unshift(onnx.NodeProto.create({ name: 'to_flat', opType: 'Reshape', input: ['image', 'flat_shape'], output: [flatName] }));
  graph.output = graph.output!.filter((o) => o.name === 'probabilities');
  return onnx.ModelProto.encode(model).finish();
}

/** Bytes that are not a protobuf ModelProto at all (a fixed pattern, so failures reproduce). */
function corruptBytes(): Uint8Array {
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}
