/**
 * A weight read from its shard: `values` is a float32 copy that owns its buffer. Its own file,
 * apart from the reader of model folders (read-tfjs-model.ts, Node), so the ONNX builder's
 * types stay browser-safe (src/browser.ts).
 */
export interface Weight {
  name: string;
  shape: number[];
  values: Float32Array;
  /** The shard file the weight starts in (for error messages). */
  file: string;
}
