import { ModelJsonError, UnsupportedModelError } from './errors.js';

/** One layer of the chain, as serialised by tfjs-layers (Keras JSON). */
export interface LayerConfig {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

/** The layers from input to output, and the input shape without the batch dimension. */
export interface LayerChain {
  layers: LayerConfig[];
  /** e.g. [784] or [28, 28]; undefined when the file does not say. */
  inputShape: number[] | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns `modelTopology` into a straight chain of layers. `Sequential` models are chains by
 * construction; functional (`Model` / `Functional`) configs are accepted when they are a
 * simple chain: one input, one output, every layer fed by exactly the previous one.
 */
export function parseTopology(file: string, modelTopology: Record<string, unknown>): LayerChain {
  // Keras h5 exports wrap the model in "model_config"; tfjs writes it directly.
  const top = isRecord(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
  const className = top.class_name;
  if (className === 'Sequential') return sequentialChain(file, top.config);
  if (className === 'Model' || className === 'Functional') return functionalChain(file, top.config);
  throw new UnsupportedModelError(file, `model class ${JSON.stringify(className)} is not supported; expected "Sequential" or a functional "Model" that is a simple chain`);
}

function toLayer(file: string, raw: unknown, index: number): LayerConfig {
  if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config)) {
    throw new ModelJsonError(file, `layer ${index} has no "class_name" and "config"`);
  }
  const name = typeof raw.config.name === 'string' ? raw.config.name : typeof raw.name === 'string' ? raw.name : `layer_${index}`;
  return { className: raw.class_name, name, config: raw.config };
}

function batchInputShape(config: Record<string, unknown>): number[] | undefined {
  const shape = config.batch_input_shape ?? config.batchInputShape;
  if (Array.isArray(shape) && shape.length >= 2 && shape.slice(1).every((d) => Number.isInteger(d) && d > 0)) {
    return shape.slice(1) as number[];
  }
  const inputShape = config.input_shape ?? config.inputShape;
  if (Array.isArray(inputShape) && inputShape.every((d) => Number.isInteger(d) && d > 0)) return inputShape as number[];
  return undefined;
}

function sequentialChain(file: string, config: unknown): LayerChain {
  // Old Keras wrote Sequential's config as the bare list of layers.
  const rawLayers = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) throw new ModelJsonError(file, 'Sequential model has no "layers"');
  const layers = rawLayers.map((raw, i) => toLayer(file, raw, i));
  return { layers, inputShape: batchInputShape(layers[0].config) };
}

/** `[["dense_1", 0, 0, {}]]` → names of the layers feeding one call of a layer. */
function inboundNames(file: string, layer: Record<string, unknown>, name: string): string[] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) throw new ModelJsonError(file, `layer "${name}" has no "inbound_nodes"`);
  if (nodes.length > 1) throw new UnsupportedModelError(file, `layer "${name}" is called ${nodes.length} times (shared layer); only a simple chain of layers can be exported`);
  if (nodes.length === 0) return [];
  const node = nodes[0];
  if (!Array.isArray(node)) throw new UnsupportedModelError(file, `layer "${name}" uses an inbound_nodes format this exporter does not read (expected tfjs/Keras 2 lists)`);
  return node.map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new ModelJsonError(file, `layer "${name}" has a malformed inbound node`);
    return entry[0];
  });
}

function endpointNames(file: string, value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new ModelJsonError(file, `functional model has no "${what}"`);
  return value.map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new ModelJsonError(file, `functional model has a malformed "${what}" entry`);
    return entry[0];
  });
}

function functionalChain(file: string, config: unknown): LayerChain {
  if (!isRecord(config) || !Array.isArray(config.layers)) throw new ModelJsonError(file, 'functional model has no "layers"');
  const inputs = endpointNames(file, config.input_layers, 'input_layers');
  const outputs = endpointNames(file, config.output_layers, 'output_layers');
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new UnsupportedModelError(file, `model has ${inputs.length} inputs and ${outputs.length} outputs; only one input and one output (a simple chain) can be exported`);
  }
  const byName = new Map<string, { layer: LayerConfig; inbound: string[] }>();
  const consumers = new Map<string, string[]>();
  config.layers.forEach((raw, i) => {
    const layer = toLayer(file, raw, i);
    const inbound = inboundNames(file, raw as Record<string, unknown>, layer.name);
    if (inbound.length > 1) {
      throw new UnsupportedModelError(file, `layer "${layer.name}" (${layer.className}) merges ${inbound.length} inputs (${inbound.join(', ')}); only a simple chain of layers can be exported`);
    }
    byName.set(layer.name, { layer, inbound });
    for (const source of inbound) consumers.set(source, [...(consumers.get(source) ?? []), layer.name]);
  });

  // Walk back from the output; every step must have exactly one producer and one consumer.
  const chain: LayerConfig[] = [];
  let current: string | undefined = outputs[0];
  while (current !== undefined) {
    const entry = byName.get(current);
    if (!entry) throw new ModelJsonError(file, `layer "${current}" is referenced but not defined`);
    const fanOut = consumers.get(current) ?? [];
    if (fanOut.length > 1) {
      throw new UnsupportedModelError(file, `layer "${current}" feeds ${fanOut.length} layers (${fanOut.join(', ')}); only a simple chain of layers can be exported`);
    }
    chain.unshift(entry.layer);
    if (chain.length > byName.size) throw new UnsupportedModelError(file, 'the layer graph has a cycle');
    current = entry.inbound[0];
  }
  if (chain[0].name !== inputs[0]) throw new UnsupportedModelError(file, `the chain from the output starts at "${chain[0].name}", not at the input "${inputs[0]}"`);
  if (chain.length !== byName.size) {
    const unused = [...byName.keys()].filter((name) => !chain.some((l) => l.name === name));
    throw new UnsupportedModelError(file, `layers ${unused.map((n) => `"${n}"`).join(', ')} are not on the path from input to output; only a simple chain of layers can be exported`);
  }
  return { layers: chain, inputShape: batchInputShape(chain[0].config) };
}
