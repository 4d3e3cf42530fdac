import * as tf from '@tensorflow/tfjs';
import { activate, type BackendEntry } from './backend.js';

/** Plain JavaScript: always available, slowest. */
export const cpuBackend: BackendEntry = {
  name: 'cpu',
  priority: 5,
  description: '@tensorflow/tfjs-backend-cpu (plain JavaScript)',
  async start() {
    await activate('cpu');
    // The cpu backend prints a multi-line "install tfjs-node" banner on first use in Node; this
    // trainer already reports its backend choice (and --json promises clean output).
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    return { name: 'cpu', tfjsName: 'cpu', notes: ['plain JavaScript kernels'] };
  },
};
