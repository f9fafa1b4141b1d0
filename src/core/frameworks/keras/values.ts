/**
 * Keras' host values on the Python evaluator: layers, tensors, initializers, activations, models,
 * weights and the names of the library, with the accessors the semantics read them through. How
 * tensors carry data flow is in `flow.ts`.
 */
import type { Dim, InitSource, Range } from '../../graph';
import type { LayerFlow } from '../../layerFlow';
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
  flow: LayerFlow;
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
  /** Made in a function that keeps it (`def main(): model = Sequential(...)`): its local variable, else `name=`. */
  localName?: string;
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

/** The first of the values that is a custom layer's weight, if any. */
export function paramOf(values: KValue[]): ParamInst | undefined {
  return values.flatMap((v) => (v.kind === 'host' && v.host.kind === 'param' ? [v.host.param] : []))[0];
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
  const entries = value?.kind === 'dict' ? [...value.entries.values()] : undefined;
  return entries && new Map(entries.flatMap(({ key, value }): [string, KValue][] => (key.kind === 'str' ? [[key.value, value]] : [])));
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

/** A shape from a list or tuple value (`None` as null), or undefined. */
export function shapeOf(value: KValue | undefined): (Dim | null)[] | undefined {
  return itemsOf(value)?.map((item) => dimOf(item, 'dim'));
}

/** A weight's shape (`shape=(in, out)`): each dimension known, or named after its place. */
export function weightShape(value: KValue | undefined): Dim[] | undefined {
  return itemsOf(value)?.map((item, i) => dimOf(item, `shape[${i}]`) ?? `shape[${i}]`);
}
