import type { SkippedDevice } from '@mnist-onnx/devices';
import { startNodeSession } from '@mnist-onnx/devices/node';
import { env, type InferenceSession } from 'onnxruntime-node';
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
 * Creates the session on the device policy's choice (startNodeSession, @mnist-onnx/devices):
 * each provider must pass its detection and then actually create the session; `auto` records why
 * it passed over each, and a provider named explicitly that cannot start is a
 * DeviceUnavailableError.
 */
export async function createSession(model: ModelFile, options: CreateSessionOptions = {}): Promise<SessionChoice> {
  env.logLevel = 'error';
  const started = await startNodeSession(model.bytes, {
    device: options.device ?? 'auto',
    flag: '--ep',
    sessionOptions: options.threads ? { intraOpNumThreads: options.threads } : {},
    // The CPU provider always exists, so its failure is the model's fault, on every device.
    createFailed: (error, entry) => (entry.name === 'cpu' ? new ModelLoadError(model.path, `ONNX Runtime cannot load it: ${firstLine(error)}`, { cause: error }) : error),
  });
  return { session: started.session, provider: started.entry.name, skipped: started.skipped, notes: started.facts.notes, sessionCreateMs: started.createMs };
}
