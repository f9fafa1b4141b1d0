/**
 * PyTorch's records of what a model builds: module instances with their parameters and the init in
 * force, tensors made in `__init__`, the data-flow record of tensors in `forward`, and the argument
 * values the construction semantics read.
 */
import type { Activation, ArgValue, Dim, InitInForce, Range } from '../../graph';

/** A parameter tensor of a module. */
export interface ParamInst {
  owner: ModuleInst;
  /** The attribute name on the owner (`weight`, `weight_hh_l0`, `pos_embed`). */
  attr: string;
  /** The key in the graph's `init` record (`weight`, `weight_hh`). */
  key: string;
  shape: Dim[] | undefined;
  init: InitInForce;
  /** For raw `nn.Parameter` attributes: the pseudo-layer this tensor is. */
  raw?: ModuleInst;
}

/** A module instance made while interpreting constructors. */
export interface ModuleInst {
  /** The class name as written (`Conv2d`, `BasicBlock`, `MaskedConv2d`, `Parameter` for raw parameters). */
  className: string;
  /** The torch.nn class this is or derives from, if any. */
  torchClass?: string;
  /** Sub-modules and raw-parameter pseudo-layers in registration order. */
  children: Map<string, ModuleInst>;
  params: Map<string, ParamInst>;
  attrs: Map<string, Value>;
  /** For activation modules: the activation (or 'unknown' when it cannot be told). */
  activation?: Activation | 'unknown';
  /** Constructor arguments that matter, for the graph's `config`. */
  config: Record<string, ArgValue>;
  fanIn: Dim | null;
  fanOut: Dim | null;
  range: Range;
  /** The class whose code created this module (for fixes). */
  ownerClass: string;
  /** Data-flow results: the activation after this layer, whether it ends a residual branch, whether it is on a projection shortcut, first use. */
  flow: { activation?: Activation | null | 'unknown'; residual: boolean; normalized: boolean; shortcut?: true; firstUse?: number };
  /** `self.<attr> = <constructor>` that binds this module, if it was bound that way. */
  definition?: { target: string; range: Range };
  /** Raw parameter pseudo-layer: its tensor. */
  rawParam?: ParamInst;
}

/** A tensor in `forward`: the layers whose output it still is (no activation applied since). */
export interface TensorInfo {
  pending: Set<ModuleInst>;
  /** The last parametrised layers on the path (kept through activations; dropout does not count). */
  last: Set<ModuleInst>;
  /** Derived from the forward's input without passing a layer (a skip connection's source). */
  skip: boolean;
}

/**
 * A constructor argument as the construction semantics (construct.ts, composite.ts) read it:
 * scalars, tuples, symbols (source text), modules, tensors and activations.
 */
export type Value =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: Value[]; tuple: boolean; symbolicCount: boolean }
  | { kind: 'sym'; text: string }
  | { kind: 'module'; module: ModuleInst }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'activationFn'; activation: Activation };

/** A tensor made in `__init__` (`torch.zeros(...)`, `torch.randn(...) * 0.02`), before it becomes a Parameter. */
export interface NewTensor {
  shape: Dim[] | undefined;
  init: InitInForce;
}

export const NONE: Value = { kind: 'none' };

/** A symbol with the given source text. */
export function sym(text: string): Value {
  return { kind: 'sym', text };
}

export function list(items: Value[], tuple = false, symbolicCount = false): Value {
  return { kind: 'list', items, tuple, symbolicCount };
}

/** The value as a number, or undefined. Booleans count as 0/1 like Python. */
export function asNumber(value: Value | undefined): number | undefined {
  if (!value) {
    return undefined;
  }
  if (value.kind === 'num') {
    return value.value;
  }
  if (value.kind === 'bool') {
    return value.value ? 1 : 0;
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
    case 'list':
      return value.tuple ? `(${value.items.map(valueText).join(', ')})` : `[${value.items.map(valueText).join(', ')}]`;
    default:
      return '…';
  }
}

/** A value as a graph dimension: a number, or the text of a symbol. */
export function asDim(value: Value | undefined): Dim | null {
  if (!value) {
    return null;
  }
  const n = asNumber(value);
  if (n !== undefined) {
    return n;
  }
  return value.kind === 'sym' ? value.text : valueText(value);
}

/** A value as a graph argument: resolved scalars, else `{ expr }` with the text. */
export function asArg(value: Value, text: string): ArgValue {
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
