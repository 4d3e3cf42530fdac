// Throughput of onnxruntime-node on the MLP: images/s at batch 1, 200 and the whole test set
// in one run, and the GFLOP/s that implies. Run: pnpm --filter @mnist-onnx/infer-node bench
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PIXELS, readClassifierSignature } from '@mnist-onnx/mnist';
import { artifactPaths, failWithUsageError, loadDataset, runCli } from '@mnist-onnx/mnist/node';
import onnxProto from 'onnx-proto';
import { Tensor } from 'onnxruntime-node';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { buildTestModel, randomMlpLayers } from '../test/helpers/onnx-models.js';
import { createSession, DEVICES, readModelFile, resolveInputConvention, type ModelFile } from '../src/index.js';

/** 2 FLOPs (multiply + add) per weight of every Gemm/MatMul: 397,600 for 784-200-200-10. */
function flopsPerImage(bytes: Uint8Array): number {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const weights = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  let flops = 0;
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== 'Gemm' && node.opType !== 'MatMul') continue;
    const dims = weights.get(node.input?.[1] ?? '');
    if (dims?.length === 2) flops += 2 * dims[0] * dims[1];
  }
  return flops;
}

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .option('model', { type: 'string', default: artifactPaths.onnxModel(), describe: 'ONNX model (a random-weight 784-200-200-10 MLP when the file is missing)' })
    .option('ep', { choices: DEVICES, default: 'auto' as const })
    .option('threads', { type: 'number' })
    .option('seconds', { type: 'number', default: 1, describe: 'minimum timed seconds per batch size' })
    .strict()
    .help()
    .version(false)
    .fail(failWithUsageError)
    .parseAsync();

  let model: ModelFile;
  if (existsSync(argv.model)) {
    model = await readModelFile(argv.model);
  } else {
    console.log(`${argv.model} not found (run pnpm export): timing a random-weight 784-200-200-10 MLP, same FLOPs.`);
    const bytes = buildTestModel({ layers: randomMlpLayers() });
    model = { path: '(random MLP)', bytes, metadata: {}, producer: 'bench', opsetVersion: 13, outputOps: {} };
  }
  const { test } = await loadDataset('embedded');
  const choice = await createSession(model, { device: argv.ep, ...(argv.threads ? { threads: argv.threads } : {}) });
  const signature = readClassifierSignature(choice.session, model.outputOps, model.path);
  const input = resolveInputConvention(model.metadata);
  const pixels = Float32Array.from(test.images, (v) => (v / 255 - input.mean) / input.std);
  const flops = flopsPerImage(model.bytes);
  const dims = (n: number) => (signature.inputLayout === 'flat' ? [n, PIXELS] : [n, 1, 28, 28]);

  console.log(`model ${model.path}, ${flops.toLocaleString('en-US')} FLOPs/image; execution provider ${choice.provider}`);
  for (const s of choice.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);
  console.log(`session created in ${choice.sessionCreateMs.toFixed(1)} ms; ${test.count.toLocaleString('en-US')} test images; threads ${argv.threads ?? 'default'}`);
  console.log('batch      images/s    GFLOP/s   ms/run');
  for (const batch of [1, 200, test.count]) {
    if (signature.fixedBatch && signature.fixedBatch !== batch) {
      console.log(`${String(batch).padEnd(8)} skipped: the model's batch dimension is fixed to ${signature.fixedBatch}`);
      continue;
    }
    const feeds = [];
    for (let start = 0; start + batch <= test.count; start += batch) {
      feeds.push({ [signature.inputName]: new Tensor('float32', pixels.subarray(start * PIXELS, (start + batch) * PIXELS), dims(batch)) });
    }
    await choice.session.run(feeds[0]); // warm-up
    let images = 0;
    let runs = 0;
    const started = performance.now();
    while (performance.now() - started < argv.seconds * 1000) {
      await choice.session.run(feeds[runs % feeds.length]);
      images += batch;
      runs++;
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = images / seconds;
    const label = batch === test.count ? `${batch} (all)` : String(batch);
    console.log(`${label.padEnd(10)} ${Math.round(rate).toLocaleString('en-US').padStart(9)}  ${((rate * flops) / 1e9).toFixed(1).padStart(8)}  ${((seconds * 1000) / runs).toFixed(3).padStart(7)}`);
  }
  await choice.session.release();
}

await runCli(main);
