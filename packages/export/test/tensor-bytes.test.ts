import { describe, expect, it } from 'vitest';
import { float16RawData, float32RawData, fromFloat16Bits, toFloat16Bits } from '../src/index.js';

describe('float32 raw_data', () => {
  it('is little-endian IEEE 754', () => {
    expect(Array.from(float32RawData(Float32Array.of(1, -2)))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it('takes the view, not the whole buffer, when the array is a view at an offset', () => {
    const backing = Float32Array.of(9, 9, 0.5, 3, 9);
    const view = new Float32Array(backing.buffer, 2 * 4, 2);
    const bytes = float32RawData(view);
    expect(bytes.length).toBe(8);
    const back = new DataView(bytes.buffer);
    expect([back.getFloat32(0, true), back.getFloat32(4, true)]).toEqual([0.5, 3]);
  });
});

describe('float16 conversion', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65520, 0x7c00], // halfway to the next step above the largest half: rounds to Infinity
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half of it: ties to even, i.e. zero
    [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: ties to even, i.e. 2
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even
    [1 + 3 * 2 ** -11, 0x3c02],
    [2 ** -14, 0x0400], // smallest normal
    [-0, 0x8000],
  ])('%s → bits %i', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('maps NaN to a quiet NaN', () => {
    expect(toFloat16Bits(Number.NaN)).toBe(0x7e00);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
  });

  it('round-trips every finite half-precision value exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromFloat16Bits(bits);
      if (Number.isNaN(value)) continue;
      if (toFloat16Bits(value) !== bits) throw new Error(`0x${bits.toString(16)} → ${value} → 0x${toFloat16Bits(value).toString(16)}`);
    }
  });

  it('rounds a float32 to the nearest half within half a unit in the last place', () => {
    const values = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4));
    for (const v of values) {
      const h = fromFloat16Bits(toFloat16Bits(v));
      const exponent = Math.max(Math.floor(Math.log2(Math.abs(v))), -14);
      expect(Math.abs(h - v)).toBeLessThanOrEqual(2 ** (exponent - 11));
    }
  });

  it('writes little-endian half raw_data', () => {
    expect(Array.from(float16RawData(Float32Array.of(1, -2)))).toEqual([0x00, 0x3c, 0x00, 0xc0]);
  });
});
