import type { DeviceEntry, DeviceFacts, SkippedDevice } from './device.js';
import { selectDevice } from './select-device.js';

/** What the policy sets in every build's session options: the one provider to run on. */
export interface OrtSessionOptions {
  executionProviders?: readonly unknown[];
}

/**
 * The part of an onnxruntime build the policy needs: `InferenceSession.create(bytes, options)`,
 * which onnxruntime-node and onnxruntime-web both take from onnxruntime-common. Typed here by its
 * shape, so this browser-safe root imports neither build. Its options are `never` so that each
 * build's own SessionOptions fits; callers type them through SessionOptionsOf.
 */
export interface OrtRuntime {
  InferenceSession: { create(model: Uint8Array, options: never): Promise<unknown> };
}

type CreateOf<R extends OrtRuntime> = R['InferenceSession']['create'];
/** The build's session type (its `create`'s last overload takes the bytes, as here). */
export type SessionOf<R extends OrtRuntime> = Awaited<ReturnType<CreateOf<R>>>;
/** The build's own SessionOptions type. */
export type SessionOptionsOf<R extends OrtRuntime> = NonNullable<Parameters<CreateOf<R>>[1]>;

export interface StartSessionOptions<E extends DeviceEntry, R extends OrtRuntime> {
  /** The execution providers, e.g. ORT_NODE_PROVIDERS or webExecutionProviders(…). */
  registry: readonly E[];
  /** `auto` or a name in the registry. */
  device: string;
  /** The flag the user picks the device with (`--ep`), named in errors. */
  flag: string;
  /**
   * The onnxruntime module that runs an entry. Node has one (`async () => ort`); the page imports
   * a build per provider, only when that provider is tried. Give a loader's parameter its type
   * (`async (entry: DeviceEntry<…>) => …`): TypeScript then knows the build before it checks
   * sessionOptions against the build's own SessionOptions.
   */
  runtime: (entry: E) => Promise<R>;
  /** Session options besides the provider, which the policy sets to the entry being tried. */
  sessionOptions?: Omit<SessionOptionsOf<R>, 'executionProviders'>;
  /** Hand each create a copy of the model: onnxruntime-web may take ownership of the buffer it gets. */
  copyModel?: boolean;
  /**
   * Maps a failed create to the error to raise, e.g. a failure on a provider that always exists is
   * the model's fault (a typed model error goes straight to the user; see select-device.ts).
   */
  createFailed?: (error: unknown, entry: E) => unknown;
}

export interface StartedSession<E extends DeviceEntry, R extends OrtRuntime> {
  session: SessionOf<R>;
  /** The build the session belongs to (its Tensor class goes with it). */
  runtime: R;
  /** The provider it runs on. */
  entry: E;
  /** Providers `auto` passed over before this one, each with its reason, in order. */
  skipped: SkippedDevice[];
  facts: DeviceFacts;
  /** Milliseconds to get the build (when loaded on demand) and create the session on `entry`. */
  createMs: number;
}

/**
 * Every onnxruntime session, in Node or the page, starts here: the device policy's selection
 * (detection, then an actual create on each provider in turn) with the provider set for each
 * try. A provider named explicitly that cannot start is the policy's one-line
 * DeviceUnavailableError (`--ep webgpu cannot start: …`), never a silent fallback.
 */
export async function startSession<E extends DeviceEntry, R extends OrtRuntime>(model: Uint8Array, options: StartSessionOptions<E, R>): Promise<StartedSession<E, R>> {
  const { runtime, createFailed } = options;
  const selected = await selectDevice(
    options.registry,
    options.device,
    async (entry) => {
      const t0 = performance.now();
      try {
        const ort = await runtime(entry);
        const sessionOptions: OrtSessionOptions = { ...options.sessionOptions, executionProviders: [entry.name] };
        const session = (await ort.InferenceSession.create(options.copyModel ? model.slice() : model, sessionOptions as never)) as SessionOf<R>;
        return { session, runtime: ort, createMs: performance.now() - t0 };
      } catch (error) {
        throw createFailed ? createFailed(error, entry) : error;
      }
    },
    { flag: options.flag },
  );
  return { ...selected.started, entry: selected.entry, skipped: selected.skipped, facts: selected.facts };
}
