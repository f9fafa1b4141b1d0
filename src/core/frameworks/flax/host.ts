/**
 * Flax's host values on the one Python evaluator: library names (layer classes, module bases,
 * initializers, activations, other jax/flax functions), built layer instances, tensors with their
 * data-flow bookkeeping, and the record a local module instance carries (its naming state).
 */
import type { Activation, ArgValue, Range } from '../../graph';
import type { LayerFlow } from '../../layerFlow';
import type { PyNode } from '../../python/ast';
import { argValueOf, type Value as PyValue } from '../../python/eval/values';
import type { FlaxLayerClass } from './catalog';

/** Naming and bookkeeping of one module instance (local or built-in). */
export interface ModuleState {
  /** The module this one is a child of (null for the model, and until a child is named). */
  parent: ModuleState | null;
  /** The name in the parent (`Encoder_0`, `block1`), `''` for the model, null while unnamed. */
  local: string | null;
  /** Autoname counters per class name (NaN after a loop of unknown length). */
  counters: Map<string, number>;
  /** Children autonamed in compact methods, reused when the method runs again (as Flax does). */
  children: Map<string, FlaxHost>;
  setupDone: boolean;
  /** Running `setup` or `__init__`: submodules are named by the attribute they are assigned to. */
  defining: boolean;
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
  built: import('../../graph').Layer | null;
  flow: LayerFlow;
  /** nn.Sequential / nnx.Sequential members; RNN's cell. */
  members: Value[];
  /** Built in a loop of unknown length (one instance stands for each iteration's). */
  symbolic: boolean;
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

/** An initializer value (`he_normal()`, `nn.initializers.zeros`); `range` is where it is written. */
export interface InitValue {
  kind: 'init';
  name: string;
  args: Record<string, ArgValue>;
  range?: Range;
}

export type FlaxHost =
  | { kind: 'layerClass'; name: string; info: FlaxLayerClass }
  | { kind: 'base'; flavour: 'linen' | 'nnx' }
  | { kind: 'compact' }
  | { kind: 'initFactory'; name: string }
  | InitValue
  | { kind: 'activation'; jaxName: string; name: string }
  /** Any other library name (array functions, transforms, modules): called by its path. */
  | { kind: 'fn'; path: string }
  | { kind: 'layer'; layer: LayerInst }
  /** One of several layers (an undecided `a if c else b`): applying it applies each. */
  | { kind: 'choice'; layers: LayerInst[] }
  | { kind: 'tensor'; t: TensorInfo }
  | { kind: 'shape'; t: TensorInfo }
  | { kind: 'tmethod'; t: TensorInfo; name: string }
  /** The record of a local linen / nnx module instance. */
  | { kind: 'module'; flavour: 'linen' | 'nnx'; state: ModuleState; instance?: Extract<Value, { kind: 'object' }> };

export type Value = PyValue<FlaxHost>;

/** A fresh, unnamed module state. */
export function newState(parent: ModuleState | null = null, local: string | null = null): ModuleState {
  return { parent, local, counters: new Map(), children: new Map(), setupDone: false, defining: false };
}

/** A host value. */
export function host(h: FlaxHost): Value {
  return { kind: 'host', host: h };
}

/** A tensor value. */
export function tensorValue(t: TensorInfo): Value {
  return { kind: 'host', host: { kind: 'tensor', t } };
}

/** The tensor a value is, if it is one. */
export function tensorOf(value: Value | undefined): TensorInfo | undefined {
  return value?.kind === 'host' && value.host.kind === 'tensor' ? value.host.t : undefined;
}

/** Source-like text of a value, for symbols and config expressions (strings in double quotes). */
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
    case 'list':
      return value.symbolicCount ? '?' : `(${value.items.map(valueText).join(', ')}${value.items.length === 1 ? ',' : ''})`;
    case 'ns':
      return value.path;
    case 'host':
      // An activation passed as a value (`activation_fn=nn.relu`) by its name.
      return value.host.kind === 'fn' ? value.host.path : value.host.kind === 'activation' ? value.host.name : '?';
    default:
      return '?';
  }
}

/** The value as a graph argument: constants as they are, the rest as an expression. */
export function argValue(value: Value): ArgValue {
  return argValueOf(value, valueText(value));
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

/** The qualified name of a layer instance, or its class name while it is unnamed. */
export function layerName(inst: LayerInst): string {
  const prefix = inst.path.local === null ? null : prefixOf(inst.path.state);
  return prefix === null ? inst.className : `${prefix}${inst.path.local}`;
}
