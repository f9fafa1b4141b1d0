/**
 * Values of the Keras interpreter and the data-flow bookkeeping of tensors: which layers' outputs a
 * tensor still is (no activation since), which layers produced it last, which layers lie behind it,
 * and its shape when it resolves.
 */
import type { Activation, ArgValue, Dim, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import type { ActivationInfo } from './activations';
import type { LayerClass } from './catalog';
import type { KerasInit } from './initializers';

/** A class written in the analysed file. */
export interface LocalClass {
  name: string;
  node: PyNode;
  bases: PyNode[];
  methods: Map<string, PyNode>;
  fields: Map<string, PyNode>;
}

/** Variables of one scope, chained to the enclosing one. */
export interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
}

/** A function written in the analysed file, with its closure and, for methods, the bound instance. */
export interface LocalFunction {
  name: string;
  node: PyNode;
  scope: Scope;
  self?: Value;
  ownerClass?: LocalClass;
}

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
  localClass?: LocalClass;
  /** The constructor call. */
  node: PyNode;
  /** Constructor arguments by keyword (positional ones mapped). */
  args: Map<string, Value>;
  /** The init in force per graph key (`weight`, `bias`, `weight_hh`); null when the parameter does not exist. */
  inits: Map<string, InitChoice | null>;
  /** Shapes of the parameters per graph key, known once the layer is built. */
  shapes: Map<string, Dim[]>;
  /** The activation applied inside the layer (`activation=`), if any. */
  ownActivation?: { info: ActivationInfo; range: Range };
  /** For wrappers (`Bidirectional`, `TimeDistributed`): the wrapped layer. */
  inner?: LayerInst;
  /** Instance attributes of subclassed layers (`self.dense1`). */
  attrs: Map<string, Value>;
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
  layers: Value[];
  inputShape?: (Dim | null)[];
  outputs: TensorInfo[];
  /** Made while a subclassed layer's code ran (a sub-block, not a model of its own). */
  insideLayer?: boolean;
  /** The output tensor of a Sequential, once run. */
  ran?: TensorInfo;
}

export type Value =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'seq'; items: Value[]; tuple: boolean }
  | { kind: 'dict'; entries: Map<string, Value> }
  | { kind: 'sym'; text: string }
  | { kind: 'ns'; root: 'keras' | 'tensorflow'; path: string }
  | { kind: 'layer'; layer: LayerInst }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'init'; init: KerasInit; range: Range }
  | { kind: 'act'; info: ActivationInfo; range: Range; path?: string; root?: 'keras' | 'tensorflow' }
  | { kind: 'func'; fn: LocalFunction }
  | { kind: 'class'; cls: LocalClass }
  | { kind: 'obj'; cls: LocalClass; attrs: Map<string, Value> }
  | { kind: 'model'; model: ModelInst }
  | { kind: 'param'; param: ParamInst }
  /** `init(shape=...)`: an initializer called on a shape (for `tf.Variable(initial_value=...)`). */
  | { kind: 'initialized'; init: KerasInit; shape: Dim[] | undefined; range: Range }
  | { kind: 'method'; target: Value; name: string };

export const NONE: Value = { kind: 'none' };

export function num(value: number): Value {
  return { kind: 'num', value };
}

export function str(value: string): Value {
  return { kind: 'str', value };
}

export function sym(text: string): Value {
  return { kind: 'sym', text };
}

export function seq(items: Value[], tuple = false): Value {
  return { kind: 'seq', items, tuple };
}

/** A number when the value is one (bools count, as in Python arithmetic). */
export function asNumber(value: Value | undefined): number | undefined {
  if (value?.kind === 'num') {
    return value.value;
  }
  return value?.kind === 'bool' ? Number(value.value) : undefined;
}

/** Python truthiness when it resolves, else undefined. */
export function truthiness(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'num':
      return value.value !== 0;
    case 'str':
      return value.value !== '';
    case 'bool':
      return value.value;
    case 'none':
      return false;
    case 'seq':
      return value.items.length > 0;
    case 'dict':
      return value.entries.size > 0;
    case 'layer':
    case 'init':
    case 'func':
    case 'class':
    case 'obj':
    case 'model':
    case 'ns':
      return true;
    default:
      return undefined;
  }
}

/** A value as a graph argument: numbers, strings, bools and None resolve, else the text given. */
export function argValue(value: Value, text: string): ArgValue {
  switch (value.kind) {
    case 'num':
      return value.value;
    case 'str':
      return value.value;
    case 'bool':
      return value.value;
    case 'none':
      return null;
    default:
      return { expr: text };
  }
}

/** A dimension from a value: a number, or the symbol's text. */
export function dimOf(value: Value | undefined, fallback: string): Dim | null {
  if (value === undefined) {
    return fallback;
  }
  if (value.kind === 'none') {
    return null;
  }
  const n = asNumber(value);
  return n !== undefined ? n : value.kind === 'sym' ? value.text : fallback;
}

let useCounter = 0;

function markUse(layer: LayerInst): void {
  if (layer.flow.firstUse === undefined) {
    layer.flow.firstUse = useCounter++;
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
