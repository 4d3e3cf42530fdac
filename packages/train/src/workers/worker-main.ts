// A data-parallel training worker (one worker_threads thread). It starts its own tfjs backend,
// then, for each epoch main plans, runs every step on its shard of each batch: the fast path's
// gradients into shared memory, a barrier, the sum and optimizer update of its own slice of
// the parameters, a barrier. Main is not involved between steps.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { argmaxRows, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import { selectBackend } from '../backends/registry.js';
import { lossAndGradients } from '../fast-mlp.js';
import { allocateRows, copyRows, type BatchRows } from '../host-batches.js';
import type { DenseParams } from '../model.js';
import { arriveAndWait } from './barrier.js';
import { SliceOptimizer } from './slice-optimizer.js';
import { CONTROL, parameterSlice, PoolMemory, shardRows, TIMING, TIMING_FIELDS } from './shared-memory.js';
import { copyTensorToHost, tensorFromHost } from './tensor-transfer.js';
import { osThreadId } from './thread-priority.js';
import { FAULT_ENV, type WorkerInit, type WorkerReady } from './worker-protocol.js';

const init = workerData as WorkerInit;
const selection = await selectBackend(init.backend);
const memory = new PoolMemory(init.layout, init.buffers);
const { control, weights, gradients, stepLoss, stepHits, timings } = memory;
const { workers, shapes } = init.layout;
const k = init.index;
const offsets = memory.offsets();
const [sliceFrom, sliceTo] = parameterSlice(memory.parameters, workers, k);
const optimizer = new SliceOptimizer(init.optimizer, sliceFrom, sliceTo);
const variables = shapes.map((shape) => tf.variable(tf.zeros(shape), false));
const params: DenseParams[] = [];
for (let i = 0; i < variables.length; i += 2) params.push({ kernel: variables[i], bias: variables[i + 1] });
const fault = parseFault(process.env[FAULT_ENV]);

// The shard's rows, in arrays reused between steps (grown when a shard is larger): the tensors
// made from them are disposed within their step, before the next step overwrites them.
let shardBuffers = allocateRows(0);
function rowsOf(rows: number): BatchRows {
  if (shardBuffers.labels.length < rows) shardBuffers = allocateRows(rows);
  const { x, targets, labels } = shardBuffers;
  return { x: x.subarray(0, rows * PIXELS), targets: targets.subarray(0, rows * NUM_CLASSES), labels: labels.subarray(0, rows) };
}

function parseFault(text: string | undefined): number | null {
  const match = /^(\d+):(\d+)$/.exec(text ?? '');
  return match && Number(match[1]) === k + 1 ? Number(match[2]) : null;
}

/** This thread's CPU time in ms (utime + stime, in 10 ms ticks), or 0 where /proc is not there. */
function threadCpuMs(): number {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const tid = osThreadId();
parentPort!.postMessage({ type: 'ready', backend: selection.name, ...(tid === undefined ? {} : { osThreadId: tid }) } satisfies WorkerReady);

let epochsSeen = 0;
for (;;) {
  while (Atomics.load(control, CONTROL.epoch) === epochsSeen) Atomics.wait(control, CONTROL.epoch, epochsSeen);
  epochsSeen = Atomics.load(control, CONTROL.epoch);
  if (Atomics.load(control, CONTROL.stop) === 1) break;
  runEpoch();
}
tf.dispose(variables);
optimizer.dispose();

function runEpoch(): void {
  const batches = control[CONTROL.batches];
  const batchSize = control[CONTROL.batchSize];
  const samples = control[CONTROL.samples];
  const firstUpdate = control[CONTROL.optimizerStep] + 1;
  // Main may have changed the weights and state between epochs (a resume, a divergence rollback).
  optimizer.load(memory, firstUpdate - 1);
  const time = timings.subarray(k * TIMING_FIELDS.length, (k + 1) * TIMING_FIELDS.length);
  const cpuStart = threadCpuMs();
  let clock = performance.now();
  const lap = (field: keyof typeof TIMING) => {
    const now = performance.now();
    time[TIMING[field]] += now - clock;
    clock = now;
  };
  for (let b = 0; b < batches; b++) {
    const start = b * batchSize;
    const size = Math.min(batchSize, samples - start);
    const [lo, hi] = shardRows(size, workers, k);
    if (hi > lo) trainShard(b, start + lo, hi - lo, size, firstUpdate + b, lap);
    arriveAndWait(control, workers);
    lap('wait');
    // Sum the gradients of the non-empty shards, in worker order, over this worker's slice.
    const contributing = gradients.filter((_, w) => { const [a, z] = shardRows(size, workers, w); return z > a; });
    optimizer.update(contributing, memory.learningRates[b], weights);
    lap('update');
    arriveAndWait(control, workers, () => {
      Atomics.store(control, CONTROL.stepsDone, b + 1);
      Atomics.notify(control, CONTROL.stepsDone);
    });
    lap('wait');
  }
  optimizer.storeSlots(memory.slots);
  time[TIMING.cpu] += threadCpuMs() - cpuStart;
  memory.backendBytes[k] = tf.memory().numBytes;
  // The epoch is done once every worker has also written its timings.
  arriveAndWait(control, workers, () => {
    Atomics.add(control, CONTROL.epochsDone, 1);
    Atomics.notify(control, CONTROL.epochsDone);
  });
}

/** Forward and backward on this worker's `rows` samples from position `from` of the epoch's order. */
function trainShard(b: number, from: number, rows: number, batch: number, update: number, lap: (field: keyof typeof TIMING) => void): void {
  // In a tidy, so the uploaded tensors are released once the variables hold them (an assign
  // outside one kept each step's 0.8 MB of weights alive in the wasm heap for good).
  tf.tidy(() => variables.forEach((v, i) => v.assign(tensorFromHost(weights.subarray(offsets[i], offsets[i] + v.size), v.shape))));
  lap('exchange');
  const data = rowsOf(rows);
  copyRows(init.buffers.tables, memory.order.subarray(from, from + rows), memory.shifts.subarray(2 * from, 2 * (from + rows)), data);
  if (update === fault) throw new Error(`injected fault at update ${update} (${FAULT_ENV})`);
  const [grads, loss, outputs] = tf.tidy(() => {
    const x = tf.tensor2d(data.x, [rows, PIXELS]);
    const targets = tf.tensor2d(data.targets, [rows, NUM_CLASSES]);
    const step = lossAndGradients(params, init.config, x, targets, batch);
    return [step.grads, step.loss, step.outputs] as const;
  });
  stepLoss[b * workers + k] = loss.dataSync()[0];
  // Counted here from the shard's few outputs: five small kernels and an upload fewer a step.
  const predicted = argmaxRows(outputs.dataSync(), NUM_CLASSES);
  stepHits[b * workers + k] = predicted.reduce((hits, label, i) => hits + (label === data.labels[i] ? 1 : 0), 0);
  lap('compute');
  grads.forEach((g, i) => copyTensorToHost(g, gradients[k], offsets[i]));
  tf.dispose([...grads, loss, outputs]);
  lap('exchange');
}
