import { describe, expect, it } from 'vitest';
import { AccuracyDropError, ExportOptionError, NonFiniteWeightError, checkMaxAccuracyDrop, checkQuantizeOptions, dequantize, gateAccuracy, quantizePerChannel, type WeightDtype, type QuantizationScheme } from '../src/index.js';

describe('quantizePerChannel', () => {
  // [inputs 3, units 2]: column 0 spans ±1.27, column 1 ±0.01.
  const kernel = Float32Array.of(1.27, 0.01, -0.64, -0.0051, 0.3, 0.0025);

  it('gives each output unit its own scale, max |w| / 127, so a small column keeps its precision', () => {
    const q = quantizePerChannel('model.json', 'dense_1', kernel, 3, 2);
    expect(q.scales[0]).toBeCloseTo(0.01, 7);
    expect(q.scales[1]).toBeCloseTo(0.01 / 127, 9);
    expect(Array.from(q.values)).toEqual([127, 127, -64, -65, 30, 32]);
  });

  it('rounds half away from zero on both sides and stays within ±127 (never -128)', () => {
    // Columns spanning ±127 have scale exactly 1, so the halves are exact.
    const q = quantizePerChannel('m', 'd', Float32Array.of(-127, 127, 0.5, -0.5, 2.5, -2.5), 3, 2);
    expect(Array.from(q.scales)).toEqual([1, 1]);
    expect(Array.from(q.values)).toEqual([-127, 127, 1, -1, 3, -3]);
  });

  it('dequantises within half a step of every weight', () => {
    const q = quantizePerChannel('m', 'd', kernel, 3, 2);
    const back = dequantize(q, 2);
    for (let k = 0; k < kernel.length; k++) expect(Math.abs(back[k] - kernel[k])).toBeLessThanOrEqual(q.scales[k % 2] / 2 + 1e-9);
    expect(q.maxError).toBeLessThanOrEqual(Math.max(...q.scales) / 2);
  });

  it('keeps an all-zero column exactly zero (scale 1, no division by zero)', () => {
    const q = quantizePerChannel('m', 'd', Float32Array.of(0, 1, 0, -1), 2, 2);
    expect(q.scales[0]).toBe(1);
    expect(Array.from(dequantize(q, 2))).toEqual([0, 1, 0, -1]);
  });

  it('refuses NaN or Infinity with one line naming the layer and where', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const weights = Float32Array.of(0.1, 0.2, bad, 0.4);
      const error = (() => {
        try {
          quantizePerChannel('/m/model.json', 'dense_2', weights, 2, 2);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(NonFiniteWeightError);
      expect(error).toMatchObject({ code: 'EXPORT_NON_FINITE_WEIGHT', message: `/m/model.json: layer "dense_2": kernel holds ${bad} at [1, 0]; int8 quantisation needs finite weights (the training diverged: retrain, e.g. with a lower learning rate)` });
    }
  });
});

describe('export options for int8', () => {
  it('resolves --dtype and --quantize into one form', () => {
    expect(checkQuantizeOptions(undefined, undefined)).toEqual({ dtype: 'float32', quantization: undefined });
    expect(checkQuantizeOptions('int8', undefined)).toEqual({ dtype: 'int8', quantization: 'weight-only' });
    expect(checkQuantizeOptions(undefined, 'dynamic')).toEqual({ dtype: 'int8', quantization: 'dynamic' });
    expect(checkQuantizeOptions('int8', 'dynamic')).toEqual({ dtype: 'int8', quantization: 'dynamic' });
    expect(checkQuantizeOptions('float16', undefined)).toEqual({ dtype: 'float16', quantization: undefined });
  });

  it('rejects contradictions and unknown values, listing the valid ones', () => {
    expect(() => checkQuantizeOptions('float16', 'dynamic')).toThrow(new ExportOptionError('--quantize dynamic stores int8 weights, but --dtype is float16: use --dtype int8 or leave --dtype out'));
    expect(() => checkQuantizeOptions(undefined, 'static' as QuantizationScheme)).toThrow(new ExportOptionError('--quantize "static" is not a quantisation scheme; valid: weight-only, dynamic'));
    expect(() => checkQuantizeOptions('int4' as WeightDtype, undefined)).toThrow(new ExportOptionError('--dtype "int4" is not a weight precision; valid: float32, float16, int8'));
    for (const bad of [-0.1, Number.NaN, 101]) {
      expect(() => checkMaxAccuracyDrop(bad)).toThrow(`--max-accuracy-drop must be a number of percentage points from 0 to 100, got ${bad}`);
    }
  });

  it('the accuracy gate returns the drop in points, and refuses past the limit', () => {
    const gate = { form: 'int8 dynamic', float32Accuracy: 0.98, maxAccuracyDrop: 0.3, outFile: '/o/m.onnx', dataset: 'embedded', samples: 2000 };
    expect(gateAccuracy({ ...gate, accuracy: 0.978 })).toBeCloseTo(0.2, 10);
    expect(gateAccuracy({ ...gate, accuracy: 0.981 })).toBeCloseTo(-0.1, 10);
    expect(gateAccuracy({ ...gate, accuracy: 0.977 })).toBeCloseTo(0.3, 10);
    expect(() => gateAccuracy({ ...gate, accuracy: 0.9765 })).toThrow(
      new AccuracyDropError('/o/m.onnx not written: the int8 dynamic model scores 97.65% on the embedded test set (2000 digits), 0.35 points below float32\'s 98.00%; the limit is 0.3 (--max-accuracy-drop)'),
    );
  });
});
