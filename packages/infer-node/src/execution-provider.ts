/** The execution providers this package knows, in the order `auto` tries them. */
export const EXECUTION_PROVIDERS = ['cuda', 'webgpu', 'cpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

/** What `--ep` accepts: a provider, or `auto` for the first one that starts. */
export const DEVICES = ['auto', ...EXECUTION_PROVIDERS] as const;
export type Device = (typeof DEVICES)[number];

/** The answer of a provider's feature detection. */
export type ProviderCheck = { available: true; note?: string } | { available: false; reason: string };

/** A provider `auto` passed over, and why. */
export interface SkippedProvider {
  name: ExecutionProviderName;
  reason: string;
}

/** One registry entry: lower priority is tried first. */
export interface ExecutionProviderEntry {
  name: ExecutionProviderName;
  priority: number;
  /** Cheap feature detection; `explicit` is true when the user named this provider. */
  detect(explicit: boolean): Promise<ProviderCheck> | ProviderCheck;
}
