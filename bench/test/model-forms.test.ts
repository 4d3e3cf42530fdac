import { describe, expect, it } from 'vitest';
import { formatModelForms, formatModelFormsMarkdown, type FormsComparison } from '../model-forms.js';

const row = (form: string, bytes: number, speeds: [number, number, number]) => ({
  form,
  bytes,
  accuracy: 0.982,
  agreement: 1,
  maxAbsDiff: 0.01,
  perSecond: { 1: speeds[0], 200: speeds[1], all: speeds[2] },
  rounds: { 1: [speeds[0]], 200: [speeds[1]], all: [speeds[2]] },
});

const comparison: FormsComparison = {
  model: 'artifacts/model/tfjs',
  trained: true,
  images: 1996,
  threads: 1,
  batches: ['1', '200', 'all'],
  rows: [row('float32', 800_000, [20_000, 400_000, 400_000]), row('int8 weight-only', 200_000, [1_000, 100_000, 400_000]), row('int8 dynamic', 200_000, [22_000, 800_000, 600_000])],
};

describe('the model-forms table', () => {
  it('gives size and speed as ratios to float32, and says plainly where a form is slower', () => {
    const text = formatModelForms(comparison);
    expect(text).toMatch(/int8 weight-only +195\.3 KiB \(0\.25×\)/);
    expect(text).toMatch(/ 800,000 \(2\.00×\)/);
    expect(text).toContain('int8 weight-only is slower than float32 at batch 1 0.050×, batch 200 0.25×');
    expect(text).not.toMatch(/int8 dynamic is slower/);
  });

  it('escapes the pipes of |Δlogit| in markdown so the table keeps its columns', () => {
    const lines = formatModelFormsMarkdown(comparison).split('\n').filter((line) => line.startsWith('|'));
    const columns = (line: string) => line.split(/(?<!\\)\|/).length;
    expect(new Set(lines.map(columns)).size).toBe(1);
    expect(lines[0]).toContain('max \\|Δlogit\\|');
  });
});
