import { MNIST_MEAN, MNIST_STD } from '@mnist-onnx/mnist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInference, type TestSetReport } from '../src/index.js';
import { countCorrect, createFixture, type Fixture } from './helpers/fixtures.js';

let fixture: Fixture;
let rawCorrect: number;
let normalizedCorrect: number;

beforeAll(async () => {
  fixture = await createFixture();
  rawCorrect = countCorrect(fixture.rawReference, fixture.test.labels);
  normalizedCorrect = countCorrect(fixture.normalizedReference, fixture.test.labels);
});
afterAll(() => fixture.cleanup());

const score = async (model: string, extra: Parameters<typeof runInference>[0] = {}) =>
  (await runInference({ model, ep: 'cpu', ...extra })) as TestSetReport;

// float32 in ONNX Runtime against float64 in JavaScript: a near-tie may flip, nothing more.
const closeTo = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(2);

describe('input layouts', () => {
  it('[N,784] raw input: the accuracy of the same classifier computed in JavaScript', async () => {
    const report = await score(await fixture.model('flat.onnx', { layers: [fixture.rawLayer] }));
    expect(report.model).toMatchObject({ inputName: 'pixels', inputLayout: 'flat', inputShape: ['N', 784], outputKind: 'logits' });
    expect(report.input).toMatchObject({ normalized: false, mean: 0, std: 1 });
    expect(report.count).toBe(fixture.test.count);
    closeTo(report.correct, rawCorrect);
    expect(report.accuracy).toBeGreaterThan(0.7);
  });

  it('[N,1,28,28] input gives the same predictions as [N,784]', async () => {
    const flat = await score(await fixture.model('flat2.onnx', { layers: [fixture.rawLayer] }));
    const nchw = await score(await fixture.model('nchw.onnx', { layers: [fixture.rawLayer], layout: 'nchw', inputName: 'image' }));
    expect(nchw.model).toMatchObject({ inputName: 'image', inputLayout: 'nchw', inputShape: ['N', 1, 28, 28] });
    expect(nchw.confusionMatrix).toEqual(flat.confusionMatrix);
  });

  it('a model with a fixed batch of 1 still runs at --batch-size 500 (fed one by one)', async () => {
    const fixed = await score(await fixture.model('fixed.onnx', { layers: [fixture.rawLayer], inputShape: [1, 784] }), { batchSize: 500 });
    const flat = await score(await fixture.model('flat3.onnx', { layers: [fixture.rawLayer] }));
    expect(fixed.model.inputShape).toEqual([1, 784]);
    expect(fixed.confusionMatrix).toEqual(flat.confusionMatrix);
  });
});

describe('input normalisation', () => {
  const exporterMetadata = (folded: boolean) => ({
    input_format: JSON.stringify({ name: 'pixels', range: folded ? [0, 1] : 'normalized', normalization: { mean: MNIST_MEAN, std: MNIST_STD, folded } }),
    normalization_folded: String(folded),
  });

  it('reads "normalised input" from our exporter\'s metadata_props', async () => {
    const model = await fixture.model('norm-meta.onnx', { layers: [fixture.normalizedLayer], metadata: exporterMetadata(false) });
    const report = await score(model);
    expect(report.input).toEqual({ normalized: true, mean: MNIST_MEAN, std: MNIST_STD, source: 'model metadata input_format' });
    closeTo(report.correct, normalizedCorrect);
  });

  it('reads "normalisation folded, raw input" from the metadata', async () => {
    const model = await fixture.model('folded-meta.onnx', { layers: [fixture.rawLayer], metadata: exporterMetadata(true) });
    const report = await score(model);
    expect(report.input).toMatchObject({ normalized: false, mean: 0, std: 1, source: 'model metadata input_format (normalisation folded into the model)' });
    closeTo(report.correct, rawCorrect);
  });

  it('a normalised model without metadata needs --normalize; without it, it is fed raw pixels', async () => {
    const model = await fixture.model('norm-bare.onnx', { layers: [fixture.normalizedLayer] });
    const withFlag = await score(model, { normalize: { mean: MNIST_MEAN, std: MNIST_STD } });
    expect(withFlag.input.source).toBe('--normalize');
    closeTo(withFlag.correct, normalizedCorrect);
    const without = await score(model);
    expect(without.input.normalized).toBe(false);
    expect(without.input.source).toMatch(/^default \(no input convention in the model's metadata/);
    expect(without.correct).not.toBe(withFlag.correct);
  });

  it('rejects a normalisation with a non-positive std', async () => {
    const model = await fixture.model('norm-bad.onnx', { layers: [fixture.normalizedLayer] });
    await expect(score(model, { normalize: { mean: 0.1, std: 0 } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: '--normalize needs a finite mean and a positive std, got 0.1,0',
    });
  });
});

describe('output kinds', () => {
  it('logits and probabilities (Softmax output) give the same predictions and loss', async () => {
    const logits = await score(await fixture.model('logits.onnx', { layers: [fixture.rawLayer] }));
    const probabilities = await score(await fixture.model('probs.onnx', { layers: [fixture.rawLayer], softmax: true }));
    expect(probabilities.model).toMatchObject({ outputName: 'probabilities', outputKind: 'probabilities', outputKindSource: 'made by a Softmax node' });
    expect(logits.model).toMatchObject({ outputKind: 'logits', outputKindSource: 'output name "logits"' });
    expect(probabilities.confusionMatrix).toEqual(logits.confusionMatrix);
    expect(probabilities.meanLoss).toBeCloseTo(logits.meanLoss, 4);
    expect(probabilities.meanEntropyBits).toBeCloseTo(logits.meanEntropyBits, 4);
  });

  it('an output that neither its name nor its node explains is judged from the first batch', async () => {
    const hiddenProbs = await score(await fixture.model('hidden-probs.onnx', { layers: [fixture.rawLayer], softmax: true, identityOutput: true, outputName: 'scores' }));
    const hiddenLogits = await score(await fixture.model('hidden-logits.onnx', { layers: [fixture.rawLayer], identityOutput: true, outputName: 'scores' }));
    expect(hiddenProbs.model).toMatchObject({ outputName: 'scores', outputKind: 'probabilities' });
    expect(hiddenProbs.model.outputKindSource).toMatch(/^from the first batch/);
    expect(hiddenLogits.model.outputKind).toBe('logits');
    expect(hiddenProbs.confusionMatrix).toEqual(hiddenLogits.confusionMatrix);
  });
});

describe('test-set report', () => {
  it('has per-class precision and recall consistent with the confusion matrix', async () => {
    const report = await score(await fixture.model('report.onnx', { layers: [fixture.rawLayer] }));
    const matrix = report.confusionMatrix;
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(fixture.test.count);
    expect(report.perClass.map((c) => c.support)).toEqual(fixture.test.classCounts());
    for (const c of report.perClass) {
      const predicted = matrix.reduce((sum, row) => sum + row[c.label], 0);
      expect(c.precision).toBeCloseTo(matrix[c.label][c.label] / predicted, 12);
      expect(c.recall).toBeCloseTo(matrix[c.label][c.label] / c.support, 12);
    }
    expect(report.meanEntropyBits).toBeGreaterThan(0);
    expect(report.meanEntropyBits).toBeLessThan(Math.log2(10));
    expect(report.meanLoss).toBeGreaterThan(0);
    expect(report.sessionCreateMs).toBeGreaterThan(0);
    expect(report.imagesPerSecond).toBeGreaterThan(0);
    expect(report.executionProvider.name).toBe('cpu');
  });
});
