import * as ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type { DeviceEntry } from '../device.js';
import { startSession, type StartedSession } from '../start-session.js';
import { ORT_NODE_PROVIDERS, type OrtNodeProviderName } from './ort-node-providers.js';

export interface NodeSessionOptions {
  /** `auto` or a provider of ORT_NODE_PROVIDERS (default `auto`). */
  device?: string;
  /** The flag the user picks the provider with, named in errors (default `--ep`). */
  flag?: string;
  /** Session options besides the provider; by default all graph optimisations and errors-only logs. */
  sessionOptions?: Omit<InferenceSession.SessionOptions, 'executionProviders'>;
  /** Maps a failed create to the error to raise (see StartSessionOptions.createFailed). */
  createFailed?: (error: unknown, entry: DeviceEntry<OrtNodeProviderName>) => unknown;
}

export type NodeSession = StartedSession<DeviceEntry<OrtNodeProviderName>, typeof ort>;

/**
 * An onnxruntime-node session on the device policy's choice among ORT_NODE_PROVIDERS: what
 * `pnpm infer`, export's read-back check and the benchmarks all start their sessions with.
 */
export function startNodeSession(model: Uint8Array, options: NodeSessionOptions = {}): Promise<NodeSession> {
  return startSession(model, {
    registry: ORT_NODE_PROVIDERS,
    device: options.device ?? 'auto',
    flag: options.flag ?? '--ep',
    runtime: async () => ort,
    // Warnings about the graph (e.g. unused initializers) are not the user's business.
    sessionOptions: { graphOptimizationLevel: 'all', logSeverityLevel: 3, ...options.sessionOptions },
    createFailed: options.createFailed,
  });
}
