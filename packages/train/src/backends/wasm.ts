import * as tf from '@tensorflow/tfjs';
import { activate, unavailable, type BackendStarter } from './backend.js';

/** tfjs-backend-wasm: XNNPACK with SIMD. Node gets the single-threaded build (see STACK-NOTES). */
export const startWasm: BackendStarter = async () => {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw unavailable(`@tensorflow/tfjs-backend-wasm failed to load (${(error as Error).message})`, error);
  }
  await activate('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { name: 'wasm', tfjsName: 'wasm', notes: [`wasm: SIMD ${simd ? 'on' : 'off'}, ${threads ? 'multi-threaded' : '1 thread'}`] };
};
