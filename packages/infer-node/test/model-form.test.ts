import { describe, expect, it } from 'vitest';
import { formatFormLine } from '../src/format-report.js';
import { modelForm } from '@mnist-onnx/mnist';

const quantization = (scheme: string) => JSON.stringify({ scheme, weights: 'int8, symmetric', activations: '…', ops: '…' });

describe('modelForm: which form runs, from the metadata pnpm export writes', () => {
  it('names the four forms', () => {
    expect(modelForm({ weights_dtype: 'float32' }).name).toBe('float32');
    expect(modelForm({ weights_dtype: 'float16' }).name).toBe('float16');
    expect(modelForm({ weights_dtype: 'int8', quantization: quantization('weight-only') }).name).toBe('int8 weight-only');
    expect(modelForm({ weights_dtype: 'int8', quantization: quantization('dynamic') })).toMatchObject({ name: 'int8 dynamic', detail: expect.stringMatching(/on the CPU even under WebGPU/) });
  });

  it('says so, rather than guessing, when a foreign model has no such metadata', () => {
    expect(modelForm({})).toEqual({ name: null, detail: 'not stated in the model\'s metadata', exportAccuracy: null });
    expect(formatFormLine({ producer: 'pytorch' })).toBe('weights:  not stated in the model\'s metadata');
  });

  it('reads the accuracies measured at export', () => {
    const metadata = { weights_dtype: 'int8', quantization: quantization('dynamic'), export_test_dataset: 'embedded', export_test_accuracy: '0.9815', float32_test_accuracy: '0.982' };
    expect(modelForm(metadata).exportAccuracy).toEqual({ dataset: 'embedded', accuracy: 0.9815, float32Accuracy: 0.982 });
    expect(formatFormLine(metadata)).toMatch(/^weights: {2}int8 dynamic \(.+\); at export 98\.15% on embedded \(float32 98\.20%\)$/);
  });

  it('ignores unreadable quantisation metadata (int8 then reads as weight-only, the form every runtime runs)', () => {
    expect(modelForm({ weights_dtype: 'int8', quantization: '{not json' }).name).toBe('int8 weight-only');
    expect(modelForm({ weights_dtype: 'int8', export_test_accuracy: 'n/a', float32_test_accuracy: '0.9' }).exportAccuracy).toBeNull();
  });
});
