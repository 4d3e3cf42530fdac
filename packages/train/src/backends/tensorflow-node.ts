import * as tf from '@tensorflow/tfjs';
import { activate, importOptional, unavailable, type BackendStarter } from './backend.js';

// Both packages register a tfjs backend called 'tensorflow'. They are optional: their install
// scripts download libtensorflow (tfjs-node-gpu: built for CUDA 11.2 + cuDNN 8.1), so they
// are loaded only when a user has added them (see the README, "CUDA").

interface NodeBackendLike {
  isUsingGpuDevice?: boolean;
}

export const startTensorflowGpu: BackendStarter = async () => {
  await importOptional('@tensorflow/tfjs-node-gpu');
  await activate('tensorflow');
  // libtensorflow silently runs on the CPU when it finds no usable CUDA device.
  const usesGpu = (tf.backend() as NodeBackendLike).isUsingGpuDevice;
  if (usesGpu !== true) throw unavailable('no CUDA device visible to libtensorflow (it would run on the CPU)');
  return { name: 'tensorflow-gpu', tfjsName: 'tensorflow', notes: ['libtensorflow on a CUDA device'] };
};

export const startTensorflow: BackendStarter = async () => {
  await importOptional('@tensorflow/tfjs-node');
  await activate('tensorflow');
  return { name: 'tensorflow', tfjsName: 'tensorflow', notes: ['libtensorflow on the CPU'] };
};
