import { describe, expect, it } from 'vitest';
import { clearExamples, examplePixels, loadExamples, saveExamples, splitHoldout, STORE_KEY, type HandwritingExample } from '../src/app/train/handwriting/examples-store.js';

/** The Web Storage API over a Map: what localStorage is, minus the browser (the browser test uses the real one). */
class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

const example = (label: number, fill: number): HandwritingExample => ({ label, pixels: new Uint8Array(784).fill(fill) });

describe('the handwriting examples store', () => {
  it('round-trips examples exactly, and Clear removes them', () => {
    const storage = new MemoryStorage();
    const examples = [example(4, 255), example(7, 3)];
    examples[0].pixels[10] = 0;
    saveExamples(examples, storage);
    expect(loadExamples(storage)).toEqual({ examples });
    clearExamples(storage);
    expect(storage.getItem(STORE_KEY)).toBeNull();
    expect(loadExamples(storage)).toEqual({ examples: [] });
  });

  it('ignores corrupt data, another format or version, and damaged entries, with a notice, never a throw', () => {
    const storage = new MemoryStorage();
    storage.setItem(STORE_KEY, '{not json');
    expect(loadExamples(storage)).toEqual({ examples: [], notice: expect.stringMatching(/^Your stored examples were not readable \(corrupt data\) and were ignored/) as string });
    storage.setItem(STORE_KEY, JSON.stringify({ format: 'something-else', examples: [] }));
    expect(loadExamples(storage).notice).toMatch(/not in a format this page knows/);
    storage.setItem(STORE_KEY, JSON.stringify({ format: 'mnist-onnx-handwriting', version: 0, examples: [] }));
    expect(loadExamples(storage).notice).toBe('Your stored examples are from format version 0, not 1, and were ignored; labelling a drawing replaces them.');
    saveExamples([example(1, 9)], storage);
    const stored = JSON.parse(storage.getItem(STORE_KEY)!) as { examples: unknown[] };
    stored.examples.push({ label: 12, pixels: stored.examples[0] }, { label: 3, pixels: 'AAAA' }, { label: 3, pixels: '%%%' }, null);
    storage.setItem(STORE_KEY, JSON.stringify(stored));
    const loaded = loadExamples(storage);
    expect(loaded.examples).toEqual([example(1, 9)]);
    expect(loaded.notice).toBe('4 stored examples were damaged and ignored.');
  });

  it('holds out every third drawing of each digit', () => {
    const examples = [1, 1, 2, 1, 2, 2, 1, 1].map((label, i) => example(label, i));
    const { fit, holdout } = splitHoldout(examples);
    expect(holdout.map((e) => e.pixels[0])).toEqual([3, 5]);
    expect(fit).toHaveLength(6);
  });

  it('stores the classifier input as bytes, clamped', () => {
    expect([...examplePixels(Float32Array.from([0, 0.5, 1, 1.2, -0.1]))]).toEqual([0, 128, 255, 255, 0]);
  });
});
