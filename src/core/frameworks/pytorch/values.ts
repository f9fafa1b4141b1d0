/**
 * The values of the static interpreter that runs a model's `__init__` and `forward` symbolically.
 * Numbers and strings resolve where they can; anything else is a symbol carrying its source text.
 */
import type { Activation, ArgValue, Dim, InitInForce, Range } from '../../graph';
import type { PyNode } from '../../python/ast';

/** A class written in the analysed file. */
export interface LocalClass {
  name: string;
  node: PyNode;
  bases: PyNode[];
  methods: Map<string, PyNode>;
  /** Methods decorated with `@staticmethod` (no `self`). */
  staticMethods: Set<string>;
  /** Class-level assignments (dataclass fields with defaults, constants). */
  fields: Map<string, PyNode>;
  /** Field names in order, annotated or assigned (for dataclass constructors). */
  fieldOrder: string[];
  isDataclass: boolean;
}

/** A function written in the analysed file (module-level, method, nested or lambda). */
export interface LocalFunction {
  name: string;
  node: PyNode;
  /** Bound `self` for methods taken from an instance. */
  self?: Value;
  /** The scope the function was defined in (closures). */
  scope: Scope;
  /** The class owning the method, for `super()`. */
  ownerClass?: LocalClass;
}

/** Variables of one scope, chained to the enclosing one. */
export interface Scope {
  vars: Map<string, Value>;
  parent?: Scope;
}

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
  localClass?: LocalClass;
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

export type Value =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: Value[]; tuple: boolean; symbolicCount: boolean }
  | { kind: 'dict'; entries: Map<string, Value> }
  | { kind: 'sym'; text: string }
  | { kind: 'module'; module: ModuleInst }
  | { kind: 'param'; param: ParamInst }
  | { kind: 'torchClass'; name: string; bound?: { args: Value[]; kwargs: Map<string, Value> } }
  | { kind: 'localClass'; cls: LocalClass; bound?: { args: Value[]; kwargs: Map<string, Value> } }
  | { kind: 'func'; fn: LocalFunction }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'object'; cls?: LocalClass; attrs: Map<string, Value> }
  | { kind: 'ns'; path: string }
  | { kind: 'builtin'; name: string; self?: Value }
  | { kind: 'activationFn'; activation: Activation }
  | { kind: 'newTensor'; tensor: NewTensor };

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

export function num(value: number): Value {
  return { kind: 'num', value };
}

export function str(value: string): Value {
  return { kind: 'str', value };
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

/** Python truthiness when it is static, else undefined. */
export function truthiness(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'num':
      return value.value !== 0;
    case 'str':
      return value.value.length > 0;
    case 'bool':
      return value.value;
    case 'none':
      return false;
    case 'list':
      return value.symbolicCount ? undefined : value.items.length > 0;
    case 'dict':
      return value.entries.size > 0;
    case 'module':
    case 'param':
    case 'torchClass':
    case 'localClass':
    case 'func':
    case 'ns':
    case 'builtin':
    case 'activationFn':
    case 'object':
    case 'newTensor':
      return true;
    default:
      return undefined;
  }
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
    case 'ns':
      return value.path;
    case 'torchClass':
      return `nn.${value.name}`;
    case 'localClass':
      return value.cls.name;
    case 'func':
      return value.fn.name;
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
