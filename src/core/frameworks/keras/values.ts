/**
 * Keras' host values on the Python evaluator (layers, tensors, initializers, activations, models,
 * weights, the names of the library) and the data-flow bookkeeping of tensors: which layers'
 * outputs a tensor still is (no activation since), which layers produced it last, which layers lie
 * behind it, and its shape when it resolves.
 */
import type { Activation, ArgValue, Dim, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { asNumber, type Value } from '../../python/eval/values';
import type { ActivationInfo } from './activations';
import type { LayerClass } from './catalog';
import type { KerasInit } from './initializers';

/** The initializer in force for one parameter of a layer, before its variance is computed. */
export interface InitChoice {
  init: KerasInit;
  source: InitSource;
  range: Range;
}

/** A weight made by `add_weight` (or `tf.Variable`) in a custom layer. */
export interface ParamInst {
  owner: LayerInst;
  attr: string;
  /** The attribute name is a fallback (no `name=`): the attribute it is assigned to names it. */
  attrFallback: boolean;
  shape: Dim[] | undefined;
  choice: InitChoice;
}

/** A layer object: a built-in Keras layer or an instance of a Layer/Model subclass of the file. */
export interface LayerInst {
  id: number;
  /** The name Keras gives it (`name=` or the automatic `dense_1`). */
  name: string;
  /** The Keras class name, or the file's own class name. */
  type: string;
  builtin?: LayerClass;
  /** The constructor call. */
  node: PyNode;
  /** Constructor arguments by keyword (positional ones mapped). */
  args: Map<string, KValue>;
  /** The analysis this layer belongs to (first-use order is per analysis). */
  session: { nextUse: number };
  /** For an instance of a Layer/Model subclass of the file: the instance. */
  instance?: KValue;
  /** The init in force per graph key (`weight`, `bias`, `weight_hh`); null when the parameter does not exist. */
  inits: Map<string, InitChoice | null>;
  /** Shapes of the parameters per graph key, known once the layer is built. */
  shapes: Map<string, Dim[]>;
  /** The activation applied inside the layer (`activation=`), if any. */
  ownActivation?: { info: ActivationInfo; range: Range };
  /** For wrappers (`Bidirectional`, `TimeDistributed`): the wrapped layer. */
  inner?: LayerInst;
  /** Weights made by `add_weight`, in order. */
  params: ParamInst[];
  /** Layers created while this subclassed layer's code ran (its sublayers), in order. */
  children: LayerInst[];
  fanIn: Dim | null;
  fanOut: Dim | null;
  built: boolean;
  ownerClass: string;
  definition?: { target: string; range: Range };
  /** Created on a path the analysis could not decide. */
  uncertain: boolean;
  flow: { activation?: Activation | null | 'unknown'; residual: boolean; normalized: boolean; firstUse?: number };
}

/** A symbolic tensor. `shape` excludes the batch axis; `null` entries are `None`. */
export interface TensorInfo {
  pending: Set<LayerInst>;
  last: Set<LayerInst>;
  history: Set<LayerInst>;
  shape: (Dim | null)[] | undefined;
  /** The last dimension when the full shape is unknown (a Dense's units on an input of unknown rank). */
  channels?: Dim;
  /** Parametrised steps since the model input (the longer operand of an add is the residual branch). */
  depth: number;
}

/** A Sequential or functional model made in the file. */
export interface ModelInst {
  kind: 'sequential' | 'functional';
  node: PyNode;
  /** The name the model gets in the graph (set where it is bound or returned). */
  name?: string;
  /** The function that returned it (a model builder). */
  functionName?: string;
  /** The function whose code made it, and its `name=`: fallbacks for the graph's model name. */
  createdIn?: string;
  declaredName?: string;
  layers: KValue[];
  inputShape?: (Dim | null)[];
  outputs: TensorInfo[];
  /** Made while a subclassed layer's code ran (a sub-block, not a model of its own). */
  insideLayer?: boolean;
  /** The output tensor of a Sequential, once run. */
  ran?: TensorInfo;
}

/** A name of Keras or TensorFlow (`keras.layers.Dense`, `tf.nn.relu`), `tf.keras` folded into `keras`. */
export interface KerasName {
  kind: 'name';
  root: 'keras' | 'tensorflow';
  path: string;
}

/** Keras' host values. */
export type KerasHost =
  | KerasName
  | { kind: 'layer'; layer: LayerInst }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'init'; init: KerasInit; range: Range }
  | { kind: 'act'; info: ActivationInfo; range: Range; path?: string; root?: 'keras' | 'tensorflow' }
  | { kind: 'model'; model: ModelInst }
  | { kind: 'param'; param: ParamInst }
  /** `init(shape=...)`: an initializer called on a shape (for `tf.Variable(initial_value=...)`). */
  | { kind: 'initialized'; init: KerasInit; shape: Dim[] | undefined; range: Range }
  /** A method of a Keras object (`model.add`, `self.add_weight`). */
  | { kind: 'method'; target: KerasHost; name: string }
  /** Layers of paths the analysis could not decide between (`(Dense(64) if wide else Dense(32))(x)`). */
  | { kind: 'choice'; options: KValue[] };

export type KValue = Value<KerasHost>;

/** A host value. */
export function hosted(host: KerasHost): KValue {
  return { kind: 'host', host };
}

/** A tensor value. */
export function tensorValue(tensor: TensorInfo): KValue {
  return { kind: 'host', host: { kind: 'tensor', tensor } };
}

/** The tensor a value is, if any. */
export function tensorOf(value: KValue | undefined): TensorInfo | undefined {
  return value?.kind === 'host' && value.host.kind === 'tensor' ? value.host.tensor : undefined;
}

/** The Keras layer a value is: a built-in layer or an instance of a Layer/Model subclass of the file. */
export function layerOf(value: KValue | undefined): LayerInst | undefined {
  const host = value?.kind === 'host' ? value.host : value?.kind === 'object' ? value.host : undefined;
  return host?.kind === 'layer' ? host.layer : undefined;
}

/** The model a value is, if any. */
export function modelOf(value: KValue | undefined): ModelInst | undefined {
  return value?.kind === 'host' && value.host.kind === 'model' ? value.host.model : undefined;
}

/** The items of a list or tuple value, if it is one. */
export function itemsOf(value: KValue | undefined): KValue[] | undefined {
  return value?.kind === 'list' ? value.items : undefined;
}

/** The entries of a dict value by string key, if it is one. */
export function stringEntries(value: KValue | undefined): Map<string, KValue> | undefined {
  if (value?.kind !== 'dict') {
    return undefined;
  }
  const out = new Map<string, KValue>();
  for (const entry of value.entries.values()) {
    if (entry.key.kind === 'str') {
      out.set(entry.key.value, entry.value);
    }
  }
  return out;
}

/** A value as a graph argument: numbers, strings, bools and None resolve, else the text given. */
export function argValue(value: KValue, text: string): ArgValue {
  switch (value.kind) {
    case 'num':
    case 'str':
    case 'bool':
      return value.value;
    case 'none':
      return null;
    default:
      return { expr: text };
  }
}

/** A dimension from a value: a number, or the symbol's text. */
export function dimOf(value: KValue | undefined, fallback: string): Dim | null {
  if (value === undefined) {
    return fallback;
  }
  if (value.kind === 'none') {
    return null;
  }
  const n = asNumber(value);
  return n !== undefined ? n : value.kind === 'sym' ? value.text : fallback;
}

function markUse(layer: LayerInst): void {
  if (layer.flow.firstUse === undefined) {
    layer.flow.firstUse = layer.session.nextUse++;
  }
}

/** A fresh input tensor. */
export function inputTensor(shape: (Dim | null)[] | undefined): TensorInfo {
  return { pending: new Set(), last: new Set(), history: new Set(), shape, depth: 0 };
}

/** Settles the activation of every pending layer that has none yet (the first one found wins). */
export function settle(tensor: TensorInfo, activation: Activation | null | 'unknown'): void {
  for (const layer of tensor.pending) {
    if (layer.flow.activation === undefined) {
      layer.flow.activation = activation;
    }
  }
}

/** The tensor is consumed by something linear (a layer, a matmul, the model output). */
export function consumeLinearly(tensor: TensorInfo): void {
  settle(tensor, null);
}

/** The output of a parametrised layer applied to `input`. */
export function layerOutput(layer: LayerInst, input: TensorInfo, shape: (Dim | null)[] | undefined): TensorInfo {
  markUse(layer);
  consumeLinearly(input);
  return { pending: new Set([layer]), last: new Set([layer]), history: new Set([...input.history, layer]), shape, depth: input.depth + 1 };
}

/** Through a norm layer: the producers are re-normalised, and the norm joins the pending set. */
export function throughNorm(layer: LayerInst, input: TensorInfo): TensorInfo {
  markUse(layer);
  for (const producer of input.pending) {
    if (producer.flow.activation === undefined) {
      producer.flow.normalized = true;
    }
  }
  return {
    pending: new Set([...input.pending, layer]),
    last: new Set([layer]),
    history: new Set([...input.history, layer]),
    shape: input.shape,
    channels: input.channels,
    depth: input.depth + 1,
  };
}

/** Through dropout: the search for the activation goes on. */
export function throughDropout(layer: LayerInst, input: TensorInfo): TensorInfo {
  markUse(layer);
  return {
    pending: new Set([...input.pending, layer]),
    last: new Set(input.last),
    history: new Set([...input.history, layer]),
    shape: input.shape,
    channels: input.channels,
    depth: input.depth,
  };
}

/** Through something linear that is no layer of the graph (pooling, reshape): the same tensor, a new shape. */
export function reshaped(input: TensorInfo, shape: (Dim | null)[] | undefined, keepChannels = false): TensorInfo {
  const out: TensorInfo = { pending: new Set(input.pending), last: new Set(input.last), history: new Set(input.history), shape, depth: input.depth };
  if (keepChannels && input.channels !== undefined) {
    out.channels = input.channels;
  }
  return out;
}

/** The tensor with its last dimension known (when its full shape is not). */
export function withLastDim(tensor: TensorInfo, channels: Dim | undefined): TensorInfo {
  if (!tensor.shape && channels !== undefined) {
    tensor.channels = channels;
  }
  return tensor;
}

/** After an activation: nothing pending. */
export function activated(input: TensorInfo, activation: Activation | null | 'unknown'): TensorInfo {
  if (activation === null) {
    return input;
  }
  settle(input, activation);
  return { pending: new Set(), last: new Set(input.last), history: new Set(input.history), shape: input.shape, channels: input.channels, depth: input.depth };
}

/** The union of several tensors (concatenation, products, branches). */
export function merge(tensors: TensorInfo[], shape: (Dim | null)[] | undefined): TensorInfo {
  const out: TensorInfo = { pending: new Set(), last: new Set(), history: new Set(), shape, depth: 0 };
  for (const tensor of tensors) {
    tensor.pending.forEach((layer) => out.pending.add(layer));
    tensor.last.forEach((layer) => out.last.add(layer));
    tensor.history.forEach((layer) => out.history.add(layer));
    out.depth = Math.max(out.depth, tensor.depth);
  }
  return out;
}

/**
 * The product of two activations (`a @ b`, `tf.matmul(a, b)`: attention, attention pooling). Each
 * operand is used linearly, so nothing stays pending; the layers behind both operands stay part of
 * the model (dropping them cut everything before the product out of the graph).
 */
export function tensorProduct(operands: TensorInfo[]): TensorInfo {
  operands.forEach(consumeLinearly);
  const out = merge(operands, undefined);
  out.pending = new Set();
  return out;
}

function isDropout(layer: LayerInst): boolean {
  return layer.builtin?.kind === 'dropout';
}

/**
 * True when one operand is only a lookup table the other does not go through: a positional or
 * segment embedding added to the tokens (`patches + self.pos_emb(positions)`, CCT/ViT). That sum
 * is no skip connection, whatever the depths: an embedding that feeds the other operand (the
 * first block's `x + attention(x)`) is.
 */
function addsEmbedding(a: TensorInfo, b: TensorInfo): boolean {
  const onlyEmbeddings = (own: TensorInfo, other: TensorInfo): boolean => {
    const exclusive = [...own.history].filter((layer) => !other.history.has(layer));
    return exclusive.length > 0 && exclusive.every((layer) => layer.builtin?.kind === 'embedding');
  };
  return onlyEmbeddings(a, b) || onlyEmbeddings(b, a);
}

/**
 * A residual add of two tensors. The residual branch is the operand with more parametrised steps
 * since the model input (the skip is the identity or a short projection); its last parametrised
 * layer (dropout skipped) ends a residual branch. Equal depths, or a path the analysis could not
 * decide, mark nothing: the flag would be a guess.
 */
export function residualAdd(operands: TensorInfo[], certain: boolean): TensorInfo {
  // Operands of a real add have one shape. Known shapes that disagree mean a path the analysis
  // could not decide (MobileNetV2's `if in_channels == pointwise_filters: return Add(…)`): the
  // sum's shape is then unknown, not the first operand's.
  const agree = <T>(values: T[]): T | undefined => {
    const known = values.filter((v) => v !== undefined);
    return known.length > 0 && known.every((v) => JSON.stringify(v) === JSON.stringify(known[0])) ? known[0] : undefined;
  };
  const sum = merge(operands, agree(operands.map((t) => t.shape)));
  if (!sum.shape) {
    sum.channels = agree(operands.map((t) => (t.shape ? (t.shape[t.shape.length - 1] ?? undefined) : t.channels)));
  }
  if (operands.length === 2 && certain && !addsEmbedding(operands[0]!, operands[1]!)) {
    const [a, b] = operands as [TensorInfo, TensorInfo];
    const branch = a.depth > b.depth ? a : b.depth > a.depth ? b : undefined;
    const candidates = branch ? [...branch.last].filter((layer) => !isDropout(layer)) : [];
    if (candidates.length > 0) {
      const last = candidates.reduce((x, y) => ((y.flow.firstUse ?? -1) > (x.flow.firstUse ?? -1) ? y : x));
      last.flow.residual = true;
    }
  }
  sum.last = new Set();
  return sum;
}
