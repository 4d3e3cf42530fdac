import { describe, expect, it } from 'vitest';
import { UnsupportedModelError, WeightShapeError, buildMlpSpec, foldNormalization, parseTopology, type Weight } from '../src/index.js';

const FILE = '/models/model.json';

const dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { name, units, activation: 'linear', use_bias: true, ...extra } });

/** Weights of the right shapes for the named Dense layers ([inputs, units] each). */
function weightsFor(layers: [name: string, inputs: number, units: number][]): Map<string, Weight> {
  const map = new Map<string, Weight>();
  for (const [name, inputs, units] of layers) {
    map.set(`${name}/kernel`, { name: `${name}/kernel`, shape: [inputs, units], values: new Float32Array(inputs * units).fill(0.01), file: 'w.bin' });
    map.set(`${name}/bias`, { name: `${name}/bias`, shape: [units], values: new Float32Array(units).fill(0.5), file: 'w.bin' });
  }
  return map;
}

const functional = (layers: unknown[], input: string, output: string) => ({
  class_name: 'Model',
  config: { name: 'm', layers, input_layers: [[input, 0, 0]], output_layers: [[output, 0, 0]] },
});
const node = (name: string, className: string, config: Record<string, unknown>, from?: string) => ({
  name,
  class_name: className,
  config: { name, ...config },
  inbound_nodes: from ? [[[from, 0, 0, {}]]] : [],
});

describe('topology', () => {
  it('reads old Keras Sequential configs (a bare list) and the model_config wrapper', () => {
    const layers = [dense('d1', 10, { batch_input_shape: [null, 784] })];
    expect(parseTopology(FILE, { class_name: 'Sequential', config: layers }).layers.map((l) => l.name)).toEqual(['d1']);
    const wrapped = parseTopology(FILE, { model_config: { class_name: 'Sequential', config: { layers } } });
    expect(wrapped.inputShape).toEqual([784]);
  });

  it('orders a functional chain from input to output whatever the listing order', () => {
    const chain = parseTopology(
      FILE,
      functional([node('out', 'Dense', { units: 10 }, 'hidden'), node('in', 'InputLayer', { batch_input_shape: [null, 28, 28] }), node('flat', 'Flatten', {}, 'in'), node('hidden', 'Dense', { units: 4 }, 'flat')], 'in', 'out'),
    );
    expect(chain.layers.map((l) => l.name)).toEqual(['in', 'flat', 'hidden', 'out']);
    expect(chain.inputShape).toEqual([28, 28]);
  });

  it('rejects layers off the path, fan-out, shared layers and several outputs', () => {
    const offPath = functional([node('in', 'InputLayer', { batch_input_shape: [null, 784] }), node('out', 'Dense', { units: 10 }, 'in'), node('stray', 'Dense', { units: 3 })], 'in', 'out');
    expect(() => parseTopology(FILE, offPath)).toThrow(/layers "stray" are not on the path from input to output/);
    const fanOut = functional([node('in', 'InputLayer', {}), node('a', 'Dense', { units: 10 }, 'in'), node('b', 'Dense', { units: 10 }, 'in')], 'in', 'a');
    expect(() => parseTopology(FILE, fanOut)).toThrow(/layer "in" feeds 2 layers \(a, b\)/);
    const shared = functional([node('in', 'InputLayer', {}), { ...node('a', 'Dense', { units: 10 }, 'in'), inbound_nodes: [[['in', 0, 0, {}]], [['in', 0, 0, {}]]] }], 'in', 'a');
    expect(() => parseTopology(FILE, shared)).toThrow(/layer "a" is called 2 times \(shared layer\)/);
    const twoOutputs = { class_name: 'Model', config: { layers: [], input_layers: [['in', 0, 0]], output_layers: [['a', 0, 0], ['b', 0, 0]] } };
    expect(() => parseTopology(FILE, twoOutputs)).toThrow(UnsupportedModelError);
    expect(() => parseTopology(FILE, { class_name: 'GraphModel', config: {} })).toThrow(/model class "GraphModel" is not supported/);
  });
});

describe('MLP spec', () => {
  it('maps Dense, Activation, ReLU and LeakyReLU layers to steps, dropping linear ones', () => {
    const spec = buildMlpSpec(
      FILE,
      chain([
        { class_name: 'Reshape', config: { name: 'r', target_shape: [-1], batch_input_shape: [null, 28, 28] } },
        dense('d1', 4, { activation: 'selu' }),
        { class_name: 'Activation', config: { name: 'act', activation: 'linear' } },
        { class_name: 'ReLU', config: { name: 'relu', max_value: null } },
        dense('d2', 10),
        { class_name: 'LeakyReLU', config: { name: 'leaky' } },
      ]),
      weightsFor([['d1', 784, 4], ['d2', 4, 10]]),
    );
    expect(spec.steps.map((s) => (s.kind === 'dense' ? `dense ${s.name}` : `${s.activation.type} ${s.name}`))).toEqual(['dense d1', 'selu d1', 'relu relu', 'dense d2', 'leakyRelu leaky']);
    // tfjs's default alpha for LeakyReLU is 0.3 (ONNX's would be 0.01).
    expect(spec.steps[4]).toMatchObject({ activation: { type: 'leakyRelu', alpha: 0.3 } });
  });

  it('finds weights saved under a scope prefix', () => {
    const scoped = new Map([...weightsFor([['d1', 784, 10]])].map(([name, w]) => [`sequential_1/${name}`, { ...w, name: `sequential_1/${name}` }]));
    expect(buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784] })]), scoped).steps).toHaveLength(1);
  });

  it('rejects Dense on an unflattened image, a capped ReLU, missing and unused weights', () => {
    expect(() => buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 28, 28] })]), weightsFor([['d1', 28, 10]]))).toThrow(
      /layer "d1" \(Dense\) receives shape \[28,28\]; only rank-1 features are supported \(add a Flatten layer before it\)/,
    );
    expect(() => buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784] }), { class_name: 'ReLU', config: { name: 'r6', max_value: 6 } }]), weightsFor([['d1', 784, 10]]))).toThrow(
      /layer "r6" \(ReLU\) sets max_value\/threshold/,
    );
    const noBias = weightsFor([['d1', 784, 10]]);
    noBias.delete('d1/bias');
    expect(() => buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784] })]), noBias)).toThrow(/uses a bias but there is no weight "d1\/bias"/);
    const extra = weightsFor([['d1', 784, 10], ['ghost', 10, 10]]);
    expect(() => buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784] })]), extra)).toThrow(WeightShapeError);
    expect(() => buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784] })]), extra)).toThrow(/weights "ghost\/kernel", "ghost\/bias" belong to no layer/);
  });
});

describe('folding the normalisation', () => {
  it('gives the same first-layer output for raw pixels as the original does for normalised ones', () => {
    const weights = weightsFor([['d1', 784, 10]]);
    const kernel = weights.get('d1/kernel')!.values;
    kernel.forEach((_, i) => (kernel[i] = Math.sin(i) * 0.1));
    const spec = buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784] })]), weights);
    const folded = foldNormalization(FILE, spec, 0.1307, 0.3081);
    const x = Float64Array.from({ length: 784 }, (_, i) => (i % 7) / 6);
    const layer = (s: typeof spec, input: Float64Array) => {
      const d = s.steps[0] as Extract<(typeof s.steps)[number], { kind: 'dense' }>;
      return Array.from({ length: 10 }, (_, j) => input.reduce((sum, v, i) => sum + v * d.kernel[i * 10 + j], d.bias![j]));
    };
    const expected = layer(spec, x.map((v) => (v - 0.1307) / 0.3081));
    layer(folded, x).forEach((v, j) => expect(v).toBeCloseTo(expected[j], 4));
    expect(spec.steps[0]).not.toBe(folded.steps[0]);
  });

  it('refuses to fold when an activation comes before the first Dense', () => {
    const spec = buildMlpSpec(FILE, chain([{ class_name: 'Activation', config: { name: 'pre', activation: 'tanh', batch_input_shape: [null, 784] } }, dense('d1', 10)]), weightsFor([['d1', 784, 10]]));
    expect(() => foldNormalization(FILE, spec, 0.1307, 0.3081)).toThrow(/layer "pre" applies tanh before the first Dense layer, so the normalisation cannot be folded; export with --no-fold-normalization/);
  });
});

describe('chain structure', () => {
  it('a model ending in Dense without bias keeps no bias input', () => {
    const weights = weightsFor([['d1', 784, 10]]);
    weights.delete('d1/bias');
    const spec = buildMlpSpec(FILE, chain([dense('d1', 10, { batch_input_shape: [null, 784], use_bias: false })]), weights);
    expect(spec.steps[0]).toMatchObject({ kind: 'dense', bias: undefined });
    // Folding must add one: the mean shift has to go somewhere.
    expect((foldNormalization(FILE, spec, 0.1307, 0.3081).steps[0] as { bias?: Float32Array }).bias).toHaveLength(10);
  });
});

/** A Sequential topology of `layers`. */
function chain(layers: unknown[]) {
  return parseTopology(FILE, { class_name: 'Sequential', config: { layers } });
}
