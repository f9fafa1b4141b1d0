/**
 * A torch-oracle network spec (the JSON networks of test/fixtures/torch-reference; the oracle is a
 * PyTorch script, torch_oracle.py with its helper initlib.py, kept outside this repository) →
 * SimNetwork. Follows the oracle's parsing exactly: `repeat` / `block` expansion,
 * `"name(args)"` strings and `{name, ...kwargs}` objects for inits and activations, conv padding
 * `"same"` for stride 1 else k//2, dropout p = 0.1, LayerNorm eps 1e-5. Throws an Error naming the
 * layer on anything malformed or outside what the oracle accepts.
 */
import type { ActivationSpec } from '../activations';
import type { ArgValue } from '../graph';
import { resolveGain, torchDistribution, torchModuleDefault } from './distributions';
import type { Distribution, InputShape, SimLayer, SimNetwork } from './network';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A call as initlib.parse_call reads it: name (lower case, '-' → '_'), positional args, kwargs. */
interface ParsedCall {
  name: string;
  args: ArgValue[];
  kwargs: Record<string, ArgValue>;
}

/** The running tensor shape without the batch dim, as the oracle tracks it. */
type Shape =
  | { kind: 'vec'; features: number }
  | { kind: 'seq'; length: number; features: number }
  | { kind: 'sig'; channels: number; length: number }
  | { kind: 'img'; channels: number; height: number; width: number }
  | { kind: 'ids'; length: number };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** initlib._num: a number when it parses, else the string without quotes. */
function scalar(text: string): ArgValue {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed !== '' && Number.isFinite(value)) {
    return value;
  }
  if (/^(None|null)$/.test(trimmed)) {
    return null;
  }
  return trimmed.replace(/^['"]|['"]$/g, '');
}

function jsonArg(value: Json, where: string): ArgValue {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (isObject(value)) {
    // a gain given as {nonlinearity, param}: spelled as calculate_gain's string form.
    const name = value.nonlinearity ?? value.name;
    if (typeof name === 'string') {
      return value.param === undefined || value.param === null ? name : `${name}(${String(value.param)})`;
    }
  }
  throw new Error(`${where}: unsupported argument ${JSON.stringify(value)}`);
}

/** initlib.parse_call. */
function parseCall(spec: Json, where: string): ParsedCall {
  if (isObject(spec)) {
    const { name, args, ...rest } = spec;
    if (typeof name !== 'string') {
      throw new Error(`${where}: an init/activation object needs a string "name"`);
    }
    const inner = parseCall(name, where);
    const extra = Array.isArray(args) ? args.map((arg) => jsonArg(arg, where)) : [];
    const kwargs = { ...inner.kwargs };
    for (const [key, value] of Object.entries(rest)) {
      kwargs[key] = jsonArg(value, where);
    }
    return { name: inner.name, args: [...inner.args, ...extra], kwargs };
  }
  if (typeof spec !== 'string') {
    throw new Error(`${where}: expected a string or an object, got ${JSON.stringify(spec)}`);
  }
  const match = /^\s*([A-Za-z_][\w-]*)\s*(?:\((.*)\))?\s*$/s.exec(spec);
  if (match === null) {
    throw new Error(`${where}: cannot parse ${JSON.stringify(spec)}`);
  }
  const args: ArgValue[] = [];
  const kwargs: Record<string, ArgValue> = {};
  for (const part of (match[2] ?? '').split(',')) {
    if (part.trim() === '') {
      continue;
    }
    const equals = part.indexOf('=');
    if (equals >= 0) {
      kwargs[part.slice(0, equals).trim()] = scalar(part.slice(equals + 1));
    } else {
      args.push(scalar(part));
    }
  }
  return { name: match[1].replace(/-/g, '_').toLowerCase(), args, kwargs };
}

/** initlib.parse_activation → ActivationSpec, null for none/linear/identity. */
export function activationFromSpec(spec: Json | undefined, where: string): ActivationSpec | null {
  if (spec === undefined || spec === null) {
    return null;
  }
  const { name: raw, args, kwargs } = parseCall(spec, where);
  const name = raw === 'swish' ? 'silu' : raw;
  const first = (key: string, alias: string | undefined, fallback: ArgValue): ArgValue =>
    kwargs[key] ?? (alias ? kwargs[alias] : undefined) ?? args[0] ?? fallback;
  const numeric = (value: ArgValue, key: string): number => {
    if (typeof value !== 'number') {
      throw new Error(`${where}: ${name} ${key} must be a number, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  switch (name) {
    case 'none':
    case 'linear':
    case 'identity':
      return null;
    case 'leaky_relu':
      return { name, params: { negative_slope: numeric(first('negative_slope', 'a', 0.01), 'negative_slope') } };
    case 'elu':
      return { name, params: { alpha: numeric(first('alpha', undefined, 1), 'alpha') } };
    case 'softplus':
      return { name, params: { beta: numeric(first('beta', undefined, 1), 'beta') } };
    case 'gelu': {
      const approximate = first('approximate', undefined, 'none');
      if (approximate !== 'none' && approximate !== 'tanh') {
        throw new Error(`${where}: gelu approximate must be 'none' or 'tanh'`);
      }
      return { name, params: { approximate } };
    }
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'silu':
    case 'selu':
    case 'mish':
    case 'relu6':
    case 'hardswish':
    case 'softsign':
      return { name };
    default:
      throw new Error(`${where}: unknown activation ${JSON.stringify(spec)}`);
  }
}

/** The oracle's positional argument order per init (initlib.apply_init; not always torch's). */
const positional: Readonly<Record<string, readonly string[]>> = {
  uniform: ['a', 'b'],
  trunc_normal: ['std', 'a', 'b'],
  constant: ['val'],
  xavier_uniform: ['gain'],
  xavier_normal: ['gain'],
  kaiming_uniform: ['a'],
  kaiming_normal: ['a'],
  orthogonal: ['gain'],
  variance_scaling: ['scale'],
};

/** Keyword arguments each init reads in the oracle; others are ignored there, and here. */
const keywords: Readonly<Record<string, readonly string[]>> = {
  normal: ['mean', 'std'],
  uniform: ['a', 'b'],
  trunc_normal: ['mean', 'std', 'a', 'b'],
  constant: ['val'],
  xavier_uniform: ['gain'],
  xavier_normal: ['gain'],
  kaiming_uniform: ['a', 'mode', 'nonlinearity'],
  kaiming_normal: ['a', 'mode', 'nonlinearity'],
  orthogonal: ['gain'],
  variance_scaling: ['scale', 'mode', 'distribution'],
  lecun_normal: ['distribution'],
  lecun_uniform: ['distribution'],
};

/** The init's keyword arguments in torch's names, after the oracle's positional conventions. */
function initArgs(call: ParsedCall): Record<string, ArgValue> {
  const result: Record<string, ArgValue> = {};
  if (call.name === 'normal') {
    // normal(std) or normal(mean, std)
    if (call.args.length >= 2) {
      result.mean = call.args[0];
      result.std = call.args[1];
    } else if (call.args.length === 1) {
      result.std = call.args[0];
    }
  } else {
    (positional[call.name] ?? []).forEach((key, index) => {
      if (index < call.args.length) {
        result[key] = call.args[index];
      }
    });
  }
  for (const key of keywords[call.name] ?? []) {
    if (key in call.kwargs) {
      result[key] = call.kwargs[key];
    }
  }
  if (call.name.startsWith('kaiming') && result.a === null) {
    result.a = 0;
  } // initlib: a=None → 0.0
  if ('gain' in result && typeof result.gain === 'string' && resolveGain(result.gain) === undefined) {
    throw new Error(`calculate_gain(${JSON.stringify(result.gain)}) raises in torch`);
  }
  return result;
}

/** An init spec → Distribution; `fallback` is the module default (omitted / `pytorch-default`). */
function initDistribution(
  spec: Json | undefined,
  fallback: Distribution | null,
  fans: { fanIn: number; fanOut: number },
  shape: number[],
  where: string,
): Distribution | null {
  if (spec === undefined || spec === null) {
    return fallback;
  }
  const call = parseCall(spec, where);
  if (['default', 'pytorch_default', 'torch_default'].includes(call.name)) {
    return fallback;
  }
  let args: Record<string, ArgValue>;
  try {
    args = initArgs(call);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  const distribution = torchDistribution(call.name, args, fans, shape);
  if (distribution === null) {
    throw new Error(`${where}: unknown or invalid init ${JSON.stringify(spec)}`);
  }
  return distribution;
}

/** torch_oracle.expand_layers. */
function expandLayers(layers: Json, where: string): JsonObject[] {
  if (!Array.isArray(layers)) {
    throw new Error(`${where}: "layers" must be a list`);
  }
  const result: JsonObject[] = [];
  for (const layer of layers) {
    if (!isObject(layer)) {
      throw new Error(`${where}: every layer must be an object`);
    }
    const { repeat, block, ...rest } = layer;
    if (repeat === undefined) {
      result.push(layer);
      continue;
    }
    if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 0) {
      throw new Error(`${where}: "repeat" must be a non-negative integer`);
    }
    const unit = block !== undefined ? expandLayers(block, `${where} block`) : [rest];
    for (let count = 0; count < repeat; count++) {
      result.push(...unit.map((entry) => structuredClone(entry)));
    }
  }
  return result;
}

function integer(layer: JsonObject, keys: string[], fallback: number | undefined, where: string): number {
  for (const key of keys) {
    if (key in layer) {
      const value = layer[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new Error(`${where}: "${key}" must be a non-negative integer`);
      }
      return value;
    }
  }
  if (fallback === undefined) {
    throw new Error(`${where}: needs "${keys[0]}"`);
  }
  return fallback;
}

function inputOf(spec: JsonObject): { input: InputShape; shape: Shape } {
  const input = isObject(spec.input) ? spec.input : {};
  const field = (key: string): number => {
    const value = input[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new Error(`spec input: "${key}" must be a positive integer`);
    }
    return value;
  };
  if ('width' in input && 'channels' in input && 'height' in input) {
    const [channels, height, width] = [field('channels'), field('height'), field('width')];
    return { input: { kind: 'image', channels, height, width }, shape: { kind: 'img', channels, height, width } };
  }
  if ('channels' in input && 'length' in input) {
    const [channels, length] = [field('channels'), field('length')];
    return { input: { kind: 'signal', channels, length }, shape: { kind: 'sig', channels, length } };
  }
  if ('seq_len' in input) {
    const length = field('seq_len');
    return { input: { kind: 'tokens', length }, shape: { kind: 'ids', length } };
  }
  const width = 'width' in input ? field('width') : spec.input_width;
  if (typeof width !== 'number' || !Number.isInteger(width) || width <= 0) {
    throw new Error('spec needs input.width / input_width (or channels/height/width, channels/length, seq_len)');
  }
  return { input: { kind: 'vector', width }, shape: { kind: 'vec', features: width } };
}

/** The feature (channel) count the next layer sees (torch_oracle.feat). */
function features(shape: Shape, where: string): number {
  if (shape.kind === 'ids') {
    throw new Error(`${where}: token ids must go through an embedding first`);
  }
  return shape.kind === 'vec' || shape.kind === 'seq' ? shape.features : shape.channels;
}

/** Output length of a conv along one dim: (n + 2p − k)//s + 1 (torch.nn.Conv docs). */
function outputLength(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** A spec layer as the converters read it: its JSON, place in messages, name, activation and bias flag. */
interface LayerSource {
  json: JsonObject;
  where: string;
  name: string;
  activation: ActivationSpec | null;
  hasBias: boolean;
}

/** A converted layer and the tensor shape after it. */
interface Converted {
  layer: SimLayer;
  shape: Shape;
}

/** A conv's padding: `same` (stride 1, odd kernel) or a non-negative integer; default `same` at stride 1, else ⌊k/2⌋. */
function convPadding(written: Json | undefined, kernelSize: number, stride: number, where: string): number {
  const rawPadding = written ?? (stride === 1 ? 'same' : Math.floor(kernelSize / 2));
  if (rawPadding === 'same') {
    if (stride !== 1) {
      throw new Error(`${where}: padding 'same' needs stride 1 (torch raises)`);
    }
    if (kernelSize % 2 === 0) {
      throw new Error(`${where}: padding 'same' with an even kernel pads asymmetrically; not supported`);
    }
    return (kernelSize - 1) / 2;
  }
  if (typeof rawPadding === 'number' && Number.isInteger(rawPadding) && rawPadding >= 0) {
    return rawPadding;
  }
  throw new Error(`${where}: padding must be "same" or a non-negative integer`);
}

/** `linear`: a vector or sequence of `in_features` to `out_features`. */
function convertLinear(source: LayerSource, shape: Shape): Converted {
  const { json: layer, where, name, activation, hasBias } = source;
  if (shape.kind !== 'vec' && shape.kind !== 'seq') {
    throw new Error(`${where}: cannot follow a ${shape.kind} tensor`);
  }
  const inFeatures = integer(layer, ['in_features', 'in'], shape.features, where);
  const outFeatures = integer(layer, ['out_features', 'out', 'width'], undefined, where);
  if (inFeatures !== shape.features) {
    throw new Error(`${where}: in_features ${inFeatures} != incoming width ${shape.features}`);
  }
  const fans = { fanIn: inFeatures, fanOut: outFeatures };
  const weightShape = [outFeatures, inFeatures];
  const weight = initDistribution(layer.init, torchModuleDefault('affine', 'weight', fans), fans, weightShape, where);
  const bias = hasBias ? initDistribution(layer.bias_init, torchModuleDefault('affine', 'bias', fans), fans, [outFeatures], where) : null;
  return {
    layer: {
      name,
      op: 'linear',
      activation,
      inFeatures,
      outFeatures,
      kernel: [],
      stride: [],
      padding: [],
      groups: 1,
      weight: weight as Distribution,
      bias,
    },
    shape: { ...shape, features: outFeatures },
  };
}

/** `conv1d` / `conv2d`: square kernels, one stride and padding for every spatial dim. */
function convertConv(source: LayerSource, shape: Shape, type: 'conv1d' | 'conv2d'): Converted {
  const { json: layer, where, name, activation, hasBias } = source;
  const wanted = type === 'conv2d' ? 'img' : 'sig';
  if (shape.kind !== wanted) {
    throw new Error(`${where}: cannot follow a ${shape.kind} tensor`);
  }
  const inChannels = integer(layer, ['in_channels', 'in'], shape.channels, where);
  const outChannels = integer(layer, ['out_channels', 'out'], undefined, where);
  const kernelSize = integer(layer, ['kernel_size', 'kernel'], 3, where);
  const stride = integer(layer, ['stride'], 1, where);
  const groups = integer(layer, ['groups'], 1, where);
  if (inChannels !== shape.channels) {
    throw new Error(`${where}: in_channels ${inChannels} != incoming ${shape.channels}`);
  }
  if (groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(`${where}: groups must divide in and out channels`);
  }
  const padding = convPadding(layer.padding, kernelSize, stride, where);
  const dims = type === 'conv2d' ? 2 : 1;
  const receptive = kernelSize ** dims;
  const fans = { fanIn: (inChannels / groups) * receptive, fanOut: outChannels * receptive };
  const weightShape = [outChannels, inChannels / groups, ...new Array<number>(dims).fill(kernelSize)];
  const weight = initDistribution(layer.init, torchModuleDefault('affine', 'weight', fans), fans, weightShape, where);
  const bias = hasBias ? initDistribution(layer.bias_init, torchModuleDefault('affine', 'bias', fans), fans, [outChannels], where) : null;
  const next: Shape =
    shape.kind === 'img'
      ? {
          kind: 'img',
          channels: outChannels,
          height: outputLength(shape.height, kernelSize, stride, padding),
          width: outputLength(shape.width, kernelSize, stride, padding),
        }
      : { kind: 'sig', channels: outChannels, length: outputLength((shape as { length: number }).length, kernelSize, stride, padding) };
  const sizes = next.kind === 'img' ? [next.height, next.width] : next.kind === 'sig' ? [next.length] : [];
  if (sizes.some((size) => size < 1)) {
    throw new Error(`${where}: output would be empty`);
  }
  return {
    layer: {
      name,
      op: type,
      activation,
      inFeatures: inChannels,
      outFeatures: outChannels,
      kernel: new Array<number>(dims).fill(kernelSize),
      stride: new Array<number>(dims).fill(stride),
      padding: new Array<number>(dims).fill(padding),
      groups,
      weight: weight as Distribution,
      bias,
    },
    shape: next,
  };
}

/** `embedding`: the first layer, from token ids. */
function convertEmbedding(source: LayerSource, shape: Shape): Converted {
  const { json: layer, where, name, activation } = source;
  if (shape.kind !== 'ids') {
    throw new Error(`${where}: embedding must be the first layer and input must give seq_len`);
  }
  const numEmbeddings = integer(layer, ['num_embeddings', 'vocab', 'in'], undefined, where);
  const embeddingDim = integer(layer, ['embedding_dim', 'dim', 'out'], undefined, where);
  // torch fans of the (num_embeddings, embedding_dim) table: fan_in = dim, fan_out = num.
  const fans = { fanIn: embeddingDim, fanOut: numEmbeddings };
  const weight = initDistribution(layer.init, torchModuleDefault('embedding', 'weight'), fans, [numEmbeddings, embeddingDim], where);
  return {
    layer: { name, op: 'embedding', activation, numEmbeddings, embeddingDim, weight: weight as Distribution },
    shape: { kind: 'seq', length: shape.length, features: embeddingDim },
  };
}

/** `layernorm` / `batchnorm` over the features (channels). */
function convertNorm(source: LayerSource, shape: Shape, type: 'layernorm' | 'batchnorm'): Converted {
  const { json: layer, where, name, activation } = source;
  if (shape.kind === 'ids') {
    throw new Error(`${where}: cannot follow token ids`);
  }
  if (type === 'batchnorm' && shape.kind === 'seq') {
    throw new Error(`${where}: batchnorm cannot follow a seq tensor`);
  }
  const affine = type === 'batchnorm' || layer.elementwise_affine === undefined || Boolean(layer.elementwise_affine);
  const eps = layer.eps === undefined ? 1e-5 : layer.eps;
  if (typeof eps !== 'number' || !(eps >= 0)) {
    throw new Error(`${where}: eps must be a non-negative number`);
  }
  const count = features(shape, where);
  const fans = { fanIn: count, fanOut: count };
  const weight = affine ? initDistribution(layer.init, torchModuleDefault('norm', 'weight'), fans, [count], where) : null;
  const bias = affine ? initDistribution(layer.bias_init, torchModuleDefault('norm', 'bias'), fans, [count], where) : null;
  return { layer: { name, op: type, activation, weight, bias, eps }, shape };
}

/** `dropout(p)`, default p = 0.1. */
function convertDropout(source: LayerSource, shape: Shape): Converted {
  const { json: layer, where, name, activation } = source;
  const p = layer.p === undefined ? 0.1 : layer.p;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new Error(`${where}: p must be in [0, 1)`);
  }
  return { layer: { name, op: 'dropout', activation, p }, shape };
}

/** `flatten` of an image or signal to a vector. */
function convertFlatten(source: LayerSource, shape: Shape): Converted {
  const { where, name, activation } = source;
  const size =
    shape.kind === 'img' ? shape.channels * shape.height * shape.width : shape.kind === 'sig' ? shape.channels * shape.length : features(shape, where);
  if (shape.kind === 'seq') {
    throw new Error(`${where}: flatten of a sequence is not supported`);
  }
  return { layer: { name, op: 'flatten', activation }, shape: { kind: 'vec', features: size } };
}

/** `residual_end(scale)`: adds scale × the skip. */
function convertResidualEnd(source: LayerSource, shape: Shape): Converted {
  const { json: layer, where, name, activation } = source;
  const scale = layer.scale === undefined ? 1 : layer.scale;
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new Error(`${where}: scale must be a number`);
  }
  return { layer: { name, op: 'residual_end', activation, scale }, shape };
}

/** One spec layer → SimLayer, advancing the running shape: per type, as analytic.ts's applyOp per op. */
function convertLayer(layer: JsonObject, index: number, shape: Shape): Converted {
  const type = typeof layer.type === 'string' ? layer.type.toLowerCase() : '';
  const where = `layer ${index} (${type || 'no type'})`;
  const activation = activationFromSpec(layer.activation, where);
  const source: LayerSource = {
    json: layer,
    where,
    name: `${index}.${type}`,
    activation,
    hasBias: layer.bias === undefined ? true : Boolean(layer.bias),
  };
  switch (type) {
    case 'linear':
      return convertLinear(source, shape);
    case 'conv1d':
    case 'conv2d':
      return convertConv(source, shape, type);
    case 'embedding':
      return convertEmbedding(source, shape);
    case 'layernorm':
    case 'batchnorm':
      return convertNorm(source, shape, type);
    case 'dropout':
      return convertDropout(source, shape);
    case 'flatten':
      return convertFlatten(source, shape);
    case 'residual_begin':
      return { layer: { name: source.name, op: 'residual_begin', activation }, shape };
    case 'residual_end':
      return convertResidualEnd(source, shape);
    default:
      throw new Error(`${where}: unknown type ${JSON.stringify(layer.type)}`);
  }
}

/** Shapes equal as the oracle's residual check needs them. */
function sameShape(left: Shape, right: Shape): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Converts a torch-oracle spec into a SimNetwork: layer `i` of the expanded list is named `i.type`.
 * Only train mode is represented (the oracle's default): eval-mode specs are rejected.
 */
export function networkFromSpec(spec: unknown): SimNetwork {
  if (!isObject(spec)) {
    throw new Error('spec must be a JSON object');
  }
  if (spec.mode !== undefined && spec.mode !== 'train') {
    throw new Error(`spec mode ${JSON.stringify(spec.mode)}: only "train" is simulated`);
  }
  if (spec.layers === undefined) {
    throw new Error('spec needs "layers"');
  }
  const start = inputOf(spec);
  const input = start.input;
  let shape = start.shape;
  const layers: SimLayer[] = [];
  const stack: Shape[] = [];
  expandLayers(spec.layers, 'spec').forEach((entry, index) => {
    const converted = convertLayer(entry, index, shape);
    if (converted.layer.op === 'residual_begin') {
      stack.push(shape);
    }
    if (converted.layer.op === 'residual_end') {
      const skip = stack.pop();
      if (skip === undefined) {
        throw new Error(`layer ${index} (residual_end): no residual_begin before it`);
      }
      if (!sameShape(skip, shape)) {
        throw new Error(`layer ${index} (residual_end): residual shapes differ`);
      }
    }
    layers.push(converted.layer);
    shape = converted.shape;
  });
  if (layers.length === 0) {
    throw new Error('spec has no layers');
  }
  return { input, layers, inputVariance: 1, notes: [] };
}
