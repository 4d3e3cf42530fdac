/**
 * A small deterministic PRNG (mulberry32). Its whole state is one 32-bit integer, so training
 * checkpoints can save and restore the shuffling sequence exactly.
 */
export interface Rng {
  /** Next float in [0, 1). */
  next(): number;
  /** The current state; `createRng(0, state)` continues the same sequence. */
  readonly state: number;
}

export function createRng(seed: number, state?: number): Rng {
  let s = (state ?? seedToState(seed)) >>> 0;
  return {
    next() {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    get state() {
      return s;
    },
  };
}

function seedToState(seed: number): number {
  // Mix the seed so that seeds 0, 1, 2… start far apart in the sequence.
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) >>> 0;
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}
