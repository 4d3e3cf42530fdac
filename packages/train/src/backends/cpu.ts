import * as tf from '@tensorflow/tfjs';
import { activate, type BackendStarter } from './backend.js';

/** Plain JavaScript: always available, slowest. */
export const startCpu: BackendStarter = async () => {
  await activate('cpu');
  // The cpu backend prints a multi-line "install tfjs-node" banner on first use in Node; this
  // trainer already reports its backend choice (and --json promises clean output).
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return { name: 'cpu', tfjsName: 'cpu', notes: ['plain JavaScript kernels'] };
};
