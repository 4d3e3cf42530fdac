import type { FastMlpConfig } from '../fast-mlp.js';
import type { Hyperparameters } from '../hyperparameters.js';
import type { PoolBuffers, PoolLayout } from './shared-memory.js';

/** What each worker is started with (structured-cloned; the SharedArrayBuffers are shared). */
export interface WorkerInit {
  /** 0-based; messages name workers 1-based. */
  index: number;
  /** The tfjs backend the worker starts: the one the main thread runs (wasm or cpu). */
  backend: string;
  config: FastMlpConfig;
  optimizer: Pick<Hyperparameters, 'optimizer' | 'momentum' | 'beta2' | 'epsilon' | 'weightDecay'>;
  layout: PoolLayout;
  buffers: PoolBuffers;
}

/** The only message a worker sends: it has started its backend and waits for epochs. */
export interface WorkerReady {
  type: 'ready';
  backend: string;
  /** The thread's id in the operating system, where /proc tells it (Linux). */
  osThreadId?: number;
}

/**
 * Test-only fault injection, for the crash test: `<worker>:<update>` (1-based) makes that
 * worker throw a real error inside its training step at that optimizer update.
 */
export const FAULT_ENV = 'MNIST_ONNX_WORKER_FAULT';
