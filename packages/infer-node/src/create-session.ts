import { performance } from 'node:perf_hooks';
import { selectDevice, type SkippedDevice } from '@mnist-onnx/devices';
import { ORT_NODE_PROVIDERS } from '@mnist-onnx/devices/node';
import { InferenceSession, env } from 'onnxruntime-node';
import { ModelLoadError } from './errors.js';
import type { ExecutionProviderName } from './execution-provider.js';
import type { ModelFile } from './model-file.js';

export interface SessionChoice {
  session: InferenceSession;
  provider: ExecutionProviderName;
  /** Providers passed over before this one, each with its reason (in order). */
  skipped: SkippedDevice[];
  /** Remarks on the chosen provider (e.g. the adapter it runs on). */
  notes: string[];
  /** Milliseconds to create the session on the chosen provider. */
  sessionCreateMs: number;
}

export interface CreateSessionOptions {
  /** `auto` or a provider name (default `auto`). */
  device?: string;
  /** ONNX Runtime intra-op threads (default: its own choice, one per core). */
  threads?: number;
}

const firstLine = (error: unknown) => String(error instanceof Error ? error.message : error).split('\n')[0].trim();

/**
 * Creates the session on the device policy's choice (@mnist-onnx/devices): each provider must
 * pass its detection and then actually create the session; `auto` records why it passed over
 * each, and a provider named explicitly that cannot start is a DeviceUnavailableError.
 */
export async function createSession(model: ModelFile, options: CreateSessionOptions = {}): Promise<SessionChoice> {
  env.logLevel = 'error';
  const started = await selectDevice(
    ORT_NODE_PROVIDERS,
    options.device ?? 'auto',
    async (entry) => {
      const t0 = performance.now();
      try {
        const session = await InferenceSession.create(model.bytes, {
          executionProviders: [entry.name],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
          ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
        });
        return { session, sessionCreateMs: performance.now() - t0 };
      } catch (error) {
        // The CPU provider always exists, so its failure is the model's fault, on every device.
        if (entry.name === 'cpu') throw new ModelLoadError(model.path, `ONNX Runtime cannot load it: ${firstLine(error)}`, { cause: error });
        throw error;
      }
    },
    { flag: '--ep' },
  );
  return { ...started.started, provider: started.entry.name, skipped: started.skipped, notes: started.facts.notes };
}
