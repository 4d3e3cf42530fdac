import { performance } from 'node:perf_hooks';
import { InferenceSession, env } from 'onnxruntime-node';
import { ExecutionProviderError, ModelLoadError } from './errors.js';
import type { ExecutionProviderName, SkippedProvider } from './execution-provider.js';
import { candidatesFor } from './execution-providers.js';
import type { ModelFile } from './model-file.js';

export interface SessionChoice {
  session: InferenceSession;
  provider: ExecutionProviderName;
  /** Providers passed over before this one, each with its reason (in order). */
  skipped: SkippedProvider[];
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
 * Tries the device's providers in priority order: each must pass its feature detection and
 * then actually create the session. `auto` records why it passed over each provider; a
 * provider named explicitly that cannot start is an ExecutionProviderError.
 */
export async function createSession(model: ModelFile, options: CreateSessionOptions = {}): Promise<SessionChoice> {
  const device = options.device ?? 'auto';
  const candidates = candidatesFor(device);
  const explicit = device !== 'auto';
  env.logLevel = 'error';
  const skipped: SkippedProvider[] = [];
  for (const candidate of candidates) {
    const check = await candidate.detect(explicit);
    if (!check.available) {
      if (explicit) throw new ExecutionProviderError(candidate.name, `--ep ${candidate.name} cannot start: ${check.reason}`);
      skipped.push({ name: candidate.name, reason: check.reason });
      continue;
    }
    const started = performance.now();
    try {
      const session = await InferenceSession.create(model.bytes, {
        executionProviders: [candidate.name],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      });
      const sessionCreateMs = performance.now() - started;
      return { session, provider: candidate.name, skipped, notes: check.note ? [check.note] : [], sessionCreateMs };
    } catch (error) {
      // The CPU provider always exists, so its failure is the model's fault.
      if (candidate.name === 'cpu') throw new ModelLoadError(model.path, `ONNX Runtime cannot load it: ${firstLine(error)}`, { cause: error });
      if (explicit) throw new ExecutionProviderError(candidate.name, `--ep ${candidate.name} cannot start: ${firstLine(error)}`, { cause: error });
      skipped.push({ name: candidate.name, reason: `session creation failed: ${firstLine(error)}` });
    }
  }
  // Only reachable if the registry lost its cpu entry.
  throw new ExecutionProviderError(device, `no execution provider could start: ${skipped.map((s) => `[${s.name}] ${s.reason}`).join(', ')}`);
}
