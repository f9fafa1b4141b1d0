/**
 * Calling layers and models on symbolic tensors: each built-in kind's output shape, its parameter
 * shapes and fans (Keras kernel layouts), and the data flow (a layer's own activation, norms,
 * dropout, pooling and reshapes that keep the search for the activation going, merges and residual
 * adds); subclassed layers run `build` once, then `call`; a Sequential runs its layers in order.
 */
import type { Activation, Dim } from '../../graph';
import type { Site } from '../../python/eval/contracts';
import { asNumber, list, NONE, sym } from '../../python/eval/values';
import { withRange } from './activations';
import type { LayerClass, LayerKind } from './catalog';
import { callSite, unknownCall, type CallSite } from './callSite';
import { channelsOf, divide, fansOf, product, tupleOf, windowOutput, withChannels, times, type Shape } from './shapes';
import { activated, consumeLinearly, inputTensor, layerOutput, merge, residualAdd, reshaped, throughDropout, throughNorm, withLastDim } from './flow';
import { dimOf, hosted, shapeOf, itemsOf, layerOf, modelOf, tensorOf, tensorValue } from './values';
import type { KerasHost, KValue, LayerInst, ModelInst, TensorInfo } from './values';

/** The input shape a Sequential declares on its first layer: `input_shape=` (tf.keras 2), `InputLayer(shape=...)` (Keras 3), `input_dim=`. */
function declaredInput(first: LayerInst | undefined): Shape | undefined {
  const declared = first
    ? (first.args.get('input_shape') ?? first.args.get('batch_input_shape') ?? (first.type === 'InputLayer' ? first.args.get('shape') : undefined))
    : undefined;
  const shape = shapeOf(declared);
  if (shape) {
    return first!.args.has('batch_input_shape') ? shape.slice(1) : shape;
  }
  const dim = asNumber(first?.args.get('input_dim'));
  return dim !== undefined ? [dim] : undefined;
}

/** Runs a Sequential's layers on a tensor (built from the declared input shape when none is given). */
export function runSequential(model: ModelInst, input: TensorInfo | undefined, site: Site<KerasHost>): TensorInfo {
  let tensor = input;
  const items = [...model.layers];
  if (!tensor) {
    tensor = tensorOf(items[0]);
    if (tensor) {
      items.shift();
    } else {
      tensor = inputTensor(declaredInput(layerOf(items[0])) ?? model.inputShape);
    }
  }
  let value: KValue = tensorValue(tensor);
  const node = model.node;
  for (const item of items) {
    const callable = layerOf(item) !== undefined || modelOf(item) !== undefined || item.kind === 'object';
    value = callable ? site.ev.call(item, [value], new Map(), node, site.ctx) : unknownCall(callSite([value], new Map(), { ...site, node }));
  }
  const out = tensorOf(value) ?? inputTensor(undefined);
  model.ran = out;
  return out;
}

/** Calling a model object on a tensor: a Sequential runs its layers; a functional model's inside is not re-traced. */
export function callModel(model: ModelInst, call: CallSite): KValue {
  const input = tensorOf(call.positional[0]);
  if (model.kind === 'sequential' && input) {
    return tensorValue(runSequential(model, input, call.site));
  }
  return unknownCall(call);
}

/** The build input shape of a subclassed layer: `(None, *shape)`, or a symbol. */
export function buildShape(input: KValue | undefined): KValue {
  const shape = tensorOf(input)?.shape;
  return shape
    ? list([NONE, ...shape.map((d): KValue => (d === null ? NONE : typeof d === 'number' ? { kind: 'num', value: d, float: false } : sym(d)))], true)
    : sym('input_shape');
}

/** A number, or a list of numbers, as written. */
function numbersOf(value: KValue | undefined): number | number[] | undefined {
  const items = itemsOf(value)?.map((item) => asNumber(item));
  return asNumber(value) ?? (items?.every((i): i is number => i !== undefined) ? items : undefined);
}

/**
 * A tuple argument of the layer as `rank` ints (an int repeats), its default `fallback`s when it is
 * not given; undefined (unknown) when it is given but not numbers (`strides=s` with `s` unknown).
 */
function tupleArg({ layer, rank }: LayerApplication, key: string, fallback: number): number[] | undefined {
  const value = layer.args.get(key);
  const numbers = numbersOf(value);
  if (numbers === undefined && value !== undefined && value.kind !== 'none') {
    return undefined;
  }
  return tupleOf(numbers, rank, fallback);
}

function stringArg(layer: LayerInst, key: string): string | undefined {
  const value = layer.args.get(key);
  return value?.kind === 'str' ? value.value : undefined;
}

/** Records the parameter shapes of a layer on its first call, and its fans from the main kernel. */
function build(layer: LayerInst, shapes: Record<string, Dim[]>, main: string | null): void {
  if (layer.built) {
    return;
  }
  layer.built = true;
  for (const [key, shape] of Object.entries(shapes)) {
    layer.shapes.set(key, shape);
  }
  const kernel = main ? shapes[main] : undefined;
  if (kernel) {
    ({ fanIn: layer.fanIn, fanOut: layer.fanOut } = fansOf(kernel));
  }
}

/** A shape of the same rank with every size unknown. */
function unknownDims(shape: Shape): Shape {
  return shape.map(() => null);
}

/** A size argument of the layer: a number, or a symbol (its name when it is no number or None). */
function sizeArg(layer: LayerInst, key: string): Dim {
  return dimOf(layer.args.get(key), key) ?? key;
}

/** The activation written into the layer (`activation=`), a guess when the layer or its call is on an undecided path. */
function ownActivation(layer: LayerInst, uncertain: boolean): Activation | null | 'unknown' {
  const own = layer.ownActivation;
  return own ? (uncertain ? 'unknown' : withRange(own.info, own.range)) : 'unknown';
}

function finish(layer: LayerInst, out: TensorInfo): KValue {
  const own = layer.ownActivation;
  return tensorValue(own && own.info !== null ? activated(out, ownActivation(layer, layer.uncertain)) : out);
}

/** What every layer kind's rule reads: the call, its input tensor and the layout arguments. */
interface LayerApplication {
  layer: LayerInst;
  cls: LayerClass;
  call: CallSite;
  input: TensorInfo;
  shape: Shape | undefined;
  channelsFirst: boolean;
  inChannels: Dim;
  rank: number;
  /** Keras lower-cases padding (`standardize_padding`). */
  padding: string;
}

/** One layer kind's output shape, parameter shapes and fans, and data flow. */
type LayerRule = (app: LayerApplication) => KValue;

function application(layer: LayerInst, cls: LayerClass, call: CallSite, first: KValue | undefined): LayerApplication {
  const input = tensorOf(first) ?? inputTensor(undefined);
  const shape = input.shape;
  const channelsFirst = stringArg(layer, 'data_format') === 'channels_first';
  const inChannels = shape ? channelsOf(shape, channelsFirst) : (input.channels ?? channelsOf(shape, channelsFirst));
  const padding = (stringArg(layer, 'padding') ?? 'valid').toLowerCase();
  return { layer, cls, call, input, shape, channelsFirst, inChannels, rank: cls.rank ?? 1, padding };
}

/** `Bidirectional(LSTM(...))`, `TimeDistributed(Dense(...))`: the inner layer runs on the input. */
function applyWrapper(layer: LayerInst, cls: LayerClass, call: CallSite): KValue {
  const inner = layer.inner;
  if (!inner) {
    return unknownCall(call);
  }
  const result = call.site.ev.call(inner.instance ?? hosted({ kind: 'layer', layer: inner }), call.positional, call.keywords, call.node, call.site.ctx);
  const out = tensorOf(result);
  const concat = cls.name === 'Bidirectional' && (stringArg(layer, 'merge_mode') ?? 'concat') === 'concat';
  if (concat && out?.shape) {
    const channels = out.shape[out.shape.length - 1];
    return tensorValue(reshaped(out, withChannels(out.shape, channels === null || channels === undefined ? 'units*2' : times(channels, 2))));
  }
  return result;
}

function applyDense({ layer, input, shape, inChannels }: LayerApplication): KValue {
  const units = sizeArg(layer, 'units');
  build(layer, { weight: [inChannels, units], bias: [units] }, 'weight');
  return finish(layer, withLastDim(layerOutput(layer, input, withChannels(shape, units)), units));
}

/** Conv, ConvTranspose, DepthwiseConv and SeparableConv: their kernel layouts and windowed output shapes. */
function applyConvolution(app: LayerApplication): KValue {
  const { layer, cls, input, shape, channelsFirst, inChannels, rank, padding } = app;
  const k = tupleArg(app, 'kernel_size', 1);
  const kernel: Dim[] = k ?? Array.from({ length: rank }, (_, i) => `kernel_size[${i}]`);
  const filters = sizeArg(layer, 'filters');
  const groups = asNumber(layer.args.get('groups')) ?? 1;
  // depth_multiplier defaults to 1 (depthwise_conv2d.py, separable_conv2d.py).
  const multiplier = layer.args.has('depth_multiplier') ? sizeArg(layer, 'depth_multiplier') : 1;
  const s = tupleArg(app, 'strides', 1);
  const d = tupleArg(app, 'dilation_rate', 1);
  let outChannels: Dim = filters;
  if (cls.kind === 'conv') {
    // base_conv.py: kernel (*kernel_size, in // groups, filters).
    build(layer, { weight: [...kernel, divide(inChannels, groups), filters], bias: [filters] }, 'weight');
  } else if (cls.kind === 'conv_transpose') {
    // base_conv_transpose.py: kernel (*kernel_size, filters, in).
    build(layer, { weight: [...kernel, filters, inChannels], bias: [filters] }, 'weight');
  } else if (cls.kind === 'depthwise') {
    // base_depthwise_conv.py: kernel (*kernel_size, in, depth_multiplier). Its initializer sees
    // compute_fans of that shape (fan_in = in·∏k), but each output reads only ∏k inputs: the
    // layer's fans are the true ones (fan_in = ∏k, fan_out = depth_multiplier·∏k, as PyTorch's
    // depthwise Conv2d), so that σ_w² = fan_in·Var(W) is the real per-layer gain.
    outChannels = times(inChannels, multiplier);
    build(layer, { weight: [...kernel, inChannels, multiplier], bias: [outChannels] }, null);
    layer.fanIn = product(kernel);
    layer.fanOut = times(product(kernel), multiplier);
  } else {
    // base_separable_conv.py: depthwise (*k, in, depth_multiplier), pointwise (1…, in·depth_multiplier, filters).
    // Two kernels in series: no single σ_w² describes the layer, so its fans stay undefined (no verdict).
    build(
      layer,
      { depthwise: [...kernel, inChannels, multiplier], weight: [...kernel.map(() => 1), times(inChannels, multiplier), filters], bias: [filters] },
      null,
    );
  }
  const outShape = k && s && d ? windowOutput(shape, rank, [k, s, d], padding, outChannels, channelsFirst, cls.kind === 'conv_transpose') : undefined;
  const unknownSize = shape ? withChannels(unknownDims(shape), outChannels, channelsFirst) : undefined;
  return finish(layer, withLastDim(layerOutput(layer, input, outShape ?? unknownSize), channelsFirst ? undefined : outChannels));
}

function applyEmbedding({ layer, input, shape }: LayerApplication): KValue {
  const inputDim = sizeArg(layer, 'input_dim');
  const outputDim = sizeArg(layer, 'output_dim');
  build(layer, { weight: [inputDim, outputDim] }, 'weight');
  return finish(layer, layerOutput(layer, input, shape ? [...shape, outputDim] : undefined));
}

function applyRecurrent({ layer, cls, input, shape, inChannels }: LayerApplication): KValue {
  const units = sizeArg(layer, 'units');
  const gates = cls.gates ?? 1;
  const gated = times(units, gates);
  // gru.py: reset_after=True (the default) keeps two bias vectors, shape (2, 3·units).
  const resetFlag = layer.args.get('reset_after');
  const resetAfter = cls.name === 'GRU' && resetFlag?.kind !== 'bool' ? true : resetFlag?.kind === 'bool' && resetFlag.value;
  build(layer, { weight: [inChannels, gated], weight_hh: [units, gated], bias: cls.name === 'GRU' && resetAfter ? [2, gated] : [gated] }, 'weight');
  const sequences = layer.args.get('return_sequences');
  const returnSequences = sequences?.kind === 'bool' && sequences.value;
  const outShape = shape && shape.length >= 2 ? (returnSequences ? [...shape.slice(0, -1), units] : [units]) : undefined;
  const out = withLastDim(layerOutput(layer, input, outShape), units);
  const state = layer.args.get('return_state');
  if (state?.kind === 'bool' && state.value) {
    const states = cls.name === 'LSTM' ? 2 : 1;
    return list([tensorValue(out), ...Array.from({ length: states }, () => tensorValue(reshaped(out, [units])))], true);
  }
  return tensorValue(out);
}

function applyNorm({ layer, input, shape, inChannels }: LayerApplication): KValue {
  const axis = asNumber(layer.args.get('axis'));
  const channel =
    axis === undefined || axis === -1 ? inChannels : shape && shape[axis - 1] !== undefined && shape[axis - 1] !== null ? shape[axis - 1]! : 'channels';
  build(layer, { weight: [channel], bias: [channel] }, null);
  return tensorValue(throughNorm(layer, input));
}

function applyDropout({ layer, input }: LayerApplication): KValue {
  return tensorValue(throughDropout(layer, input));
}

function applyActivation({ layer, input }: LayerApplication): KValue {
  return tensorValue(activated(input, ownActivation(layer, layer.uncertain)));
}

function applyPooling(app: LayerApplication): KValue {
  const { layer, input, shape, channelsFirst, rank, padding } = app;
  const poolChannels = input.channels;
  const pool = tupleArg(app, 'pool_size', 2);
  // Pooling: strides default to pool_size (None too); strides that are not numbers leave the size unknown.
  const strides = layer.args.has('strides') && layer.args.get('strides')?.kind !== 'none' ? tupleArg(app, 'strides', 1) : pool;
  const window: [number[], number[], number[]] | undefined = pool && strides ? [pool, strides, pool.map(() => 1)] : undefined;
  const outShape = window ? windowOutput(shape, rank, window, padding, channelsOf(shape, channelsFirst), channelsFirst) : undefined;
  return tensorValue(withLastDim(reshaped(input, outShape), poolChannels));
}

function applyGlobalPooling({ layer, input, shape, inChannels, rank }: LayerApplication): KValue {
  const keep = layer.args.get('keepdims');
  const keepDims = keep?.kind === 'bool' && keep.value;
  return tensorValue(
    reshaped(input, keepDims ? [...Array.from({ length: rank }, () => 1), inChannels] : shape || input.channels !== undefined ? [inChannels] : undefined),
  );
}

function applyFlatten({ input, shape }: LayerApplication): KValue {
  return tensorValue(reshaped(input, shape ? [product(shape)] : undefined));
}

function applyReshape({ layer, input, shape }: LayerApplication): KValue {
  const target = layer.args.get('target_shape');
  const dims = itemsOf(target)?.map((item) => dimOf(item, 'dim'));
  let resolved = dims;
  if (dims && shape && dims.includes(-1)) {
    const total = product(shape);
    const known = product(dims.filter((d) => d !== -1));
    resolved = typeof total === 'number' && typeof known === 'number' ? dims.map((d) => (d === -1 ? total / known : d)) : undefined;
  }
  return tensorValue(reshaped(input, resolved));
}

function applyPassthrough({ cls, input, shape, channelsFirst, inChannels }: LayerApplication): KValue {
  const sizeChanging = /^(ZeroPadding|UpSampling|Cropping|Resizing|CenterCrop|RandomCrop|Permute|RepeatVector)/.test(cls.name);
  const resized = shape ? withChannels(unknownDims(shape), inChannels, channelsFirst) : undefined;
  return tensorValue(reshaped(input, sizeChanging ? resized : shape, !sizeChanging || !/^(Permute|RepeatVector)/.test(cls.name)));
}

function applyAttention({ layer, call, input, shape }: LayerApplication): KValue {
  // Four projections (query, key, value, output); their shapes depend on num_heads/key_dim: no single fan.
  build(layer, {}, null);
  const others = [call.positional[1], call.keywords.get('value')].flatMap((v) => tensorOf(v) ?? []);
  others.forEach(consumeLinearly);
  return finish(layer, withLastDim(layerOutput(layer, input, shape), input.channels));
}

/** The rule of each kind that runs on one input tensor (merges and wrappers are handled before). */
const LAYER_RULES: Readonly<Record<Exclude<LayerKind, 'merge_add' | 'merge_concat' | 'merge_other' | 'wrapper'>, LayerRule>> = {
  dense: applyDense,
  conv: applyConvolution,
  conv_transpose: applyConvolution,
  depthwise: applyConvolution,
  separable: applyConvolution,
  embedding: applyEmbedding,
  recurrent: applyRecurrent,
  norm: applyNorm,
  dropout: applyDropout,
  activation: applyActivation,
  pooling: applyPooling,
  global_pooling: applyGlobalPooling,
  flatten: applyFlatten,
  reshape: applyReshape,
  passthrough: applyPassthrough,
  attention: applyAttention,
};

/** Calls a built-in layer on its inputs: each kind's output shape, parameter shapes and fans, and data flow. */
export function applyBuiltin(layer: LayerInst, cls: LayerClass, call: CallSite): KValue {
  const first = call.positional[0] ?? call.keywords.get('inputs');
  const kind = cls.kind;
  if (kind === 'merge_add' || kind === 'merge_concat' || kind === 'merge_other') {
    return first ? applyMerge(cls, first, call.site.ctx.uncertain) : unknownCall(call);
  }
  if (kind === 'wrapper') {
    return applyWrapper(layer, cls, call);
  }
  const rule: LayerRule | undefined = LAYER_RULES[kind];
  return rule ? rule(application(layer, cls, call, first)) : unknownCall(call);
}

/** `Add()([a, b])`, `add([a, b])`, `Concatenate()([...])`, … */
export function applyMerge(cls: LayerClass, operands: KValue, uncertain: boolean): KValue {
  const tensors = (itemsOf(operands) ?? []).flatMap((v) => tensorOf(v) ?? []);
  if (tensors.length === 0) {
    return sym(cls.name);
  }
  if (cls.kind === 'merge_add') {
    return tensorValue(residualAdd(tensors, !uncertain));
  }
  if (cls.kind === 'merge_concat') {
    // The channels add up; a tensor of unknown rank may still know its channels (DenseNet's
    // `Concatenate()([x, x1])` after convolutions on an input of unknown size).
    const channels = tensors.map((t) => (t.shape && t.shape.length > 0 ? t.shape[t.shape.length - 1] : (t.channels ?? null)));
    const total = channels.every((c): c is number => typeof c === 'number') ? channels.reduce((a, b) => a + b, 0) : null;
    const shape = tensors[0]!.shape && total !== null ? withChannels(tensors[0]!.shape, total) : undefined;
    const out = merge(tensors, shape);
    if (!shape && total !== null) {
      out.channels = total;
    }
    return tensorValue(out);
  }
  // Multiply / Average / Maximum …: operands of one shape (EfficientNet's squeeze-excite `multiply([x, se])`).
  const out = merge(tensors, tensors[0]!.shape);
  const channels = new Set(tensors.map((t) => (t.shape ? t.shape[t.shape.length - 1] : t.channels)));
  if (!out.shape && channels.size === 1) {
    out.channels = [...channels][0] ?? undefined;
  }
  return tensorValue(out);
}
