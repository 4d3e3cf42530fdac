import { describe, expect, it } from 'vitest';
import {
  CLASSIFIER_METADATA_KEY, conventionFromMetadata, encodeClassifierMetadata, MNIST_MEAN, MNIST_STD, readClassifierMetadata, type ClassifierMetadata,
} from '../src/index.js';

const v2 = (mean: number, std: number): ClassifierMetadata => ({
  format: 'mnist-onnx/classifier',
  version: 2,
  producer: 'mnist-onnx 0.1.0',
  input: { name: 'input', dtype: 'float32', shape: ['N', 784], image: { height: 28, width: 28, polarity: 'white-on-black' }, mean, std },
  output: { names: ['logits'], labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  weights: { dtype: 'float32' },
  architecture: '784-200-200-10 (relu, relu, linear)',
});

describe('classifier metadata, version 2', () => {
  it('is one key holding one JSON value, read back as written', () => {
    const props = encodeClassifierMetadata(v2(0, 1));
    expect(Object.keys(props)).toEqual([CLASSIFIER_METADATA_KEY]);
    expect(readClassifierMetadata(props)).toEqual({ found: true, metadata: v2(0, 1) });
  });

  it('gives the input convention: raw pixels, or the normalisation the model expects', () => {
    expect(conventionFromMetadata(encodeClassifierMetadata(v2(0, 1)))).toMatchObject({ mean: 0, std: 1, normalized: false });
    expect(conventionFromMetadata(encodeClassifierMetadata(v2(MNIST_MEAN, MNIST_STD)))).toMatchObject({ mean: MNIST_MEAN, std: MNIST_STD, normalized: true });
  });

  it('says what is wrong with an entry it cannot use, and falls back to the legacy keys', () => {
    expect(readClassifierMetadata({ [CLASSIFIER_METADATA_KEY]: '{' })).toEqual({ found: false, problem: 'metadata mnist_onnx is not JSON' });
    expect(readClassifierMetadata({ [CLASSIFIER_METADATA_KEY]: JSON.stringify({ ...v2(0, 1), version: 3 }) })).toEqual({
      found: false, problem: 'metadata mnist_onnx: version 3 is not supported (this reader knows 2)',
    });
    expect(readClassifierMetadata({ [CLASSIFIER_METADATA_KEY]: JSON.stringify({ ...v2(0, 1), input: { ...v2(0, 1).input, std: 0 } }) }).found).toBe(false);
    expect(conventionFromMetadata({ [CLASSIFIER_METADATA_KEY]: '{', normalization_folded: 'false' })).toMatchObject({ mean: MNIST_MEAN, std: MNIST_STD, normalized: true });
  });
});

describe('metadata written before version 2 is still read', () => {
  it('input_format with its normalization block', () => {
    const folded = { input_format: JSON.stringify({ normalization: { mean: MNIST_MEAN, std: MNIST_STD, folded: true } }) };
    const unfolded = { input_format: JSON.stringify({ normalization: { mean: 0.5, std: 0.25, folded: false } }) };
    expect(conventionFromMetadata(folded)).toMatchObject({ mean: 0, std: 1, normalized: false });
    expect(conventionFromMetadata(unfolded)).toMatchObject({ mean: 0.5, std: 0.25, normalized: true });
  });

  it('normalization_folded alone, with the MNIST constants', () => {
    expect(conventionFromMetadata({ normalization_folded: 'true' })).toMatchObject({ mean: 0, std: 1, normalized: false });
    expect(conventionFromMetadata({ normalization_folded: 'false' })).toMatchObject({ mean: MNIST_MEAN, std: MNIST_STD, normalized: true });
    expect(conventionFromMetadata({})).toBeUndefined();
  });
});
