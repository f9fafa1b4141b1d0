/**
 * The abstract values the Flax interpreter computes: constants, symbols (what does not resolve),
 * namespaces (`flax.linen`), partials, initializers, local classes and their instances, built-in
 * layers and tensors with the data-flow bookkeeping.
 */
import type { Activation, ArgValue, Layer, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import type { FlaxLayerClass } from './catalog';

/** A class defined in the file. */
export interface LocalClass {
  name: string;
  node: PyNode;
  bases: Value[];
  /** Dataclass fields in declaration order (linen modules and config dataclasses), with their default expressions. */
  fields: { name: string; default: PyNode | null; annotation: string }[];
  methods: Map<string, PyNode>;
  /** Methods decorated `@nn.compact`. */
  compact: Set<string>;
  isDataclass: boolean;
  /** Which Flax module kind the class is, if any. */
  flax: 'linen' | 'nnx' | null;
}

/** Naming and bookkeeping of one module instance (local or built-in). */
export interface ModuleState {
  /** The module this one is a child of (null for the model, and until a child is named). */
  parent: ModuleState | null;
  /** The name in the parent (`Encoder_0`, `block1`), `''` for the model, null while unnamed. */
  local: string | null;
  /** Autoname counters per class name (NaN after a loop of unknown length). */
  counters: Map<string, number>;
  /** Children autonamed in compact methods, reused when the method runs again (as Flax does). */
  children: Map<string, Value>;
  setupDone: boolean;
}

/** A fresh, unnamed module state. */
export function newState(parent: ModuleState | null = null, local: string | null = null): ModuleState {
  return { parent, local, counters: new Map(), children: new Map(), setupDone: false };
}

/** The qualified prefix of a state (`Encoder_0.layers_1.`), `''` for the model, null when unnamed. */
export function prefixOf(state: ModuleState | null): string | null {
  const parts: string[] = [];
  for (let s = state; s; s = s.parent) {
    if (s.local === null) {
      return null;
    }
    if (s.local !== '') {
      parts.unshift(s.local);
    }
    if (s.parent === null && s.local !== '') {
      return null;
    }
  }
  return parts.map((p) => `${p}.`).join('');
}

/** A built-in Flax layer instance. */
export interface LayerInst {
  className: string;
  info: FlaxLayerClass;
  args: Map<string, Value>;
  /** The constructor call (or the factory call, for partials: the call that made the instance). */
  node: PyNode;
  /** Where it is named: the owning module and the local name (null until assigned). */
  path: { state: ModuleState | null; local: string | null };
  /** For containers (Sequential): the state their members are named under. */
  state: ModuleState;
  ownerClass: string;
  definition: { target: string; range: Range } | null;
  container: { target: string; range: Range } | null;
  /** The graph layer, made when the input size is known (first application) or at the end. */
  built: Layer | null;
  flow: { activation?: Activation | null | 'unknown'; normalized: boolean; residual: boolean; firstUse?: number };
  /** nn.Sequential / nnx.Sequential members; RNN's cell. */
  members: Value[];
}

/** The data flow of a tensor: layers whose output it still is, and its feature (last-axis) size. */
export interface TensorInfo {
  pending: Set<LayerInst>;
  last: Set<LayerInst>;
  skip: boolean;
  dim: Value;
  /**
   * The spatial history: equal keys mean equal spatial shapes (the same input through the same
   * stride-1 / SAME-padded ops); null when unknown.
   */
  spatial?: string | null;
  /** For `sigmoid(t)`: t and the activation given to t's layers, so that `t * sigmoid(t)` becomes SiLU. */
  sigmoidOf?: { source: TensorInfo; activation: Activation };
}

export type Value =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'sym'; text: string }
  | { kind: 'tuple'; items: Value[]; star?: boolean }
  | { kind: 'dict'; entries: Map<string, Value> }
  | { kind: 'ns'; path: string }
  | { kind: 'partial'; fn: Value; args: Value[]; kwargs: Map<string, Value> }
  | { kind: 'init'; name: string; args: Record<string, ArgValue>; range: Range }
  | { kind: 'class'; cls: LocalClass }
  | { kind: 'func'; node: PyNode; scope: Scope; self?: Value; name: string }
  | { kind: 'object'; cls: LocalClass; fields: Map<string, Value>; state: ModuleState }
  | { kind: 'layer'; layer: LayerInst }
  | { kind: 'tensor'; t: TensorInfo }
  | { kind: 'tmethod'; t: TensorInfo; name: string }
  | { kind: 'shape'; t: TensorInfo };

/** A variable scope with an optional parent. */
export interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
}

export function sym(text: string): Value {
  return { kind: 'sym', text };
}

export function num(value: number): Value {
  return { kind: 'num', value };
}

/** Looks a name up through the scope chain. */
export function lookup(scope: Scope | undefined, name: string): Value | undefined {
  for (let s = scope; s; s = s.parent) {
    const value = s.vars.get(name);
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/** Source-like text of a value, for symbols composed from it. */
export function valueText(value: Value): string {
  switch (value.kind) {
    case 'num':
      return String(value.value);
    case 'str':
      return JSON.stringify(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'sym':
      return value.text;
    case 'tuple':
      return `(${value.items.map(valueText).join(', ')}${value.items.length === 1 ? ',' : ''})`;
    case 'ns':
      return value.path;
    default:
      return '?';
  }
}

/** The value as a graph argument: constants as they are, the rest as an expression. */
export function argValue(value: Value): ArgValue {
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
      return { expr: valueText(value) };
  }
}

/** Truthiness when static, else undefined. */
export function truthy(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'num':
      return value.value !== 0;
    case 'str':
      return value.value !== '';
    case 'bool':
      return value.value;
    case 'none':
      return false;
    case 'tuple':
      return value.star ? undefined : value.items.length > 0;
    case 'dict':
      return value.entries.size > 0;
    default:
      return undefined;
  }
}

/** The qualified name of a layer instance, or its class name while it is unnamed. */
export function layerName(inst: LayerInst): string {
  const prefix = inst.path.local === null ? null : prefixOf(inst.path.state);
  return prefix === null ? inst.className : `${prefix}${inst.path.local}`;
}
