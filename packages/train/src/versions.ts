import * as tf from '@tensorflow/tfjs';

/** Library versions recorded with each run. */
export function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.versions.node };
  for (const [name, version] of Object.entries(tf.version)) versions[`@tensorflow/${name}`] = version;
  return versions;
}
