import { NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';

/** One labelled drawing: the 28×28 image the classifier read (0–255, white on black) and its digit. */
export interface HandwritingExample {
  label: number;
  pixels: Uint8Array;
}

/** What is in the browser's storage, and what was wrong with it (for the page to say). */
export interface StoredExamples {
  examples: HandwritingExample[];
  /** Set when something stored was ignored: a corrupt value, an older format, bad entries. */
  notice?: string;
}

/**
 * The stored form, versioned: a later version of the page that changes it bumps `version`, and
 * an older (or newer) one is ignored with a notice rather than misread.
 */
export const STORE_KEY = 'mnist-onnx:handwriting';
export const STORE_FORMAT = 'mnist-onnx-handwriting';
export const STORE_VERSION = 1;

interface StoredForm {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  examples: { label: number; pixels: string }[];
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

function fromBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const binary = atob(text);
    return binary.length === PIXELS ? Uint8Array.from(binary, (c) => c.charCodeAt(0)) : undefined;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the examples; never throws: what cannot be read is left out and named in `notice`. */
export function loadExamples(storage: Storage = localStorage): StoredExamples {
  const raw = storage.getItem(STORE_KEY);
  if (raw === null) return { examples: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { examples: [], notice: 'Your stored examples were not readable (corrupt data) and were ignored; labelling a drawing replaces them.' };
  }
  if (!isRecord(parsed) || parsed.format !== STORE_FORMAT || !Array.isArray(parsed.examples)) {
    return { examples: [], notice: 'Your stored examples are not in a format this page knows and were ignored; labelling a drawing replaces them.' };
  }
  if (parsed.version !== STORE_VERSION) {
    return { examples: [], notice: `Your stored examples are from format version ${JSON.stringify(parsed.version)}, not ${STORE_VERSION}, and were ignored; labelling a drawing replaces them.` };
  }
  const examples: HandwritingExample[] = [];
  let bad = 0;
  for (const entry of parsed.examples) {
    const pixels = isRecord(entry) ? fromBase64(entry.pixels) : undefined;
    const label = isRecord(entry) ? entry.label : undefined;
    if (pixels && typeof label === 'number' && Number.isInteger(label) && label >= 0 && label < NUM_CLASSES) examples.push({ label, pixels });
    else bad++;
  }
  return bad ? { examples, notice: `${bad} stored example${bad === 1 ? ' was' : 's were'} damaged and ignored.` } : { examples };
}

export function saveExamples(examples: HandwritingExample[], storage: Storage = localStorage): void {
  const form: StoredForm = { format: STORE_FORMAT, version: STORE_VERSION, examples: examples.map((e) => ({ label: e.label, pixels: toBase64(e.pixels) })) };
  storage.setItem(STORE_KEY, JSON.stringify(form));
}

export function clearExamples(storage: Storage = localStorage): void {
  storage.removeItem(STORE_KEY);
}

/** The classifier's input (784 values in [0,1]) as stored: bytes 0–255. */
export const examplePixels = (pixels01: Float32Array): Uint8Array => Uint8Array.from(pixels01, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

/**
 * Which examples train and which are held out to measure: every third of each digit is held
 * out (the 3rd, 6th, …), so the held-out ones are drawings the fine-tuning never saw.
 */
export function splitHoldout(examples: HandwritingExample[]): { fit: HandwritingExample[]; holdout: HandwritingExample[] } {
  const seen = new Array<number>(NUM_CLASSES).fill(0);
  const fit: HandwritingExample[] = [];
  const holdout: HandwritingExample[] = [];
  for (const example of examples) {
    seen[example.label]++;
    (seen[example.label] % 3 === 0 ? holdout : fit).push(example);
  }
  return { fit, holdout };
}
