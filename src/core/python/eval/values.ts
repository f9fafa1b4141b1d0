/**
 * The values of the Python evaluator. Numbers, strings and containers resolve where they can;
 * anything unknown is a symbol carrying its source text; framework objects (layers, tensors,
 * initializers) are host values of type `H`, opaque here, on which every operation is delegated
 * to the framework.
 */
import type { ArgValue } from '../../graph';
import type { PyNode } from '../ast';
import type { Scope } from './scope';

/** A parameter of a function, read once from its definition. */
export interface Param {
  name: string;
  kind: 'positional' | 'keyword' | 'varargs' | 'varkw';
  /** Positional-only (before `/`). */
  positionalOnly: boolean;
  /** The default value's node (evaluated at definition into `PyFunction.defaults`). */
  defaultNode?: PyNode;
}

/** A function or lambda written in the analysed code (a closure over its defining scope). */
export interface PyFunction<H> {
  name: string;
  /** `function_definition` or `lambda`. */
  node: PyNode;
  params: Param[];
  /** Defaults, evaluated where the function was defined. */
  defaults: Map<string, Value<H>>;
  scope: Scope<Value<H>>;
  /** The class whose body defined it (for `super()`). */
  ownerClass?: PyClass<H>;
  /** How it binds when read from a class or instance. */
  binding: 'method' | 'static' | 'class' | 'property';
  isGenerator: boolean;
  decorators: Value<H>[];
}

/** A dataclass or NamedTuple field. */
export interface Field<H> {
  name: string;
  default?: Value<H>;
  factory?: Value<H>;
}

/** A class written in the analysed code. */
export interface PyClass<H> {
  name: string;
  node?: PyNode;
  /** Local base classes, in order. */
  bases: PyClass<H>[];
  /** Bases that are not local classes (host classes, symbols): the framework decides what they mean. */
  foreignBases: Value<H>[];
  /** Method resolution order of local classes (C3), this class first. */
  mro: PyClass<H>[];
  /** The class namespace (methods, class attributes). */
  attrs: Map<string, Value<H>>;
  /** Dataclass or NamedTuple fields in order, or undefined for ordinary classes. */
  fields?: Field<H>[];
  decorators: Value<H>[];
}

/** A key of a dict or set: a primitive for static hashable values, the object itself for identity-hashed ones. */
export type DictKey = string | object;

/** One entry of a dict: the key as a value (for iteration) and the value. */
export interface DictEntry<H> {
  key: Value<H>;
  value: Value<H>;
}

export type Value<H> =
  | { kind: 'num'; value: number; float: boolean }
  | { kind: 'str'; value: string }
  | { kind: 'bytes'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list'; items: Value<H>[]; tuple: boolean; symbolicCount: boolean }
  /** `instance`: the object whose `__dict__` (or `vars()`) this is; its changes are written back (see instanceDict.ts). */
  | { kind: 'dict'; entries: Map<DictKey, DictEntry<H>>; instance?: ValueOf<H, 'object'> }
  | { kind: 'set'; entries: Map<DictKey, DictEntry<H>> }
  | { kind: 'slice'; start: Value<H>; stop: Value<H>; step: Value<H> }
  | { kind: 'range'; start: number; stop: number; step: number }
  | { kind: 'func'; fn: PyFunction<H> }
  | { kind: 'class'; cls: PyClass<H> }
  | { kind: 'object'; cls: PyClass<H>; attrs: Map<string, Value<H>>; host?: H }
  | { kind: 'method'; fn: Value<H>; self: Value<H> }
  | { kind: 'partial'; fn: Value<H>; args: Value<H>[]; kwargs: Map<string, Value<H>> }
  /** A module; `library`: a bundled model stub's, whose names it does not bind are the framework's to resolve. */
  | { kind: 'ns'; path: string; attrs?: Map<string, Value<H>>; library?: boolean }
  | { kind: 'builtin'; name: string; self?: Value<H> }
  /** `super()` inside a method of `cls` on `self`. */
  | { kind: 'super'; cls: PyClass<H>; self: Value<H> }
  | { kind: 'sym'; text: string }
  | { kind: 'host'; host: H };

/** Shorthand for one kind of value. */
export type ValueOf<H, K extends Value<H>['kind']> = Extract<Value<H>, { kind: K }>;

export const NONE: ValueOf<never, 'none'> = { kind: 'none' };
export const TRUE: ValueOf<never, 'bool'> = { kind: 'bool', value: true };
export const FALSE: ValueOf<never, 'bool'> = { kind: 'bool', value: false };

/** A symbol with the given source text. */
export function sym<H>(text: string): Value<H> {
  return { kind: 'sym', text };
}

/** An int (`float` false) or float; callers check size (see `Budget.number`). */
export function num<H>(value: number, float = false): Value<H> {
  return { kind: 'num', value, float };
}

export function str<H>(value: string): Value<H> {
  return { kind: 'str', value };
}

export function bool<H>(value: boolean): Value<H> {
  return value ? TRUE : FALSE;
}

export function list<H>(items: Value<H>[], tuple = false, symbolicCount = false): Value<H> {
  return { kind: 'list', items, tuple, symbolicCount };
}

export function host<H>(value: H): Value<H> {
  return { kind: 'host', host: value };
}

/** The value as a number (bools count as 0/1 like Python), or undefined. */
export function asNumber<H>(value: Value<H> | undefined): number | undefined {
  if (value?.kind === 'num') {
    return value.value;
  }
  if (value?.kind === 'bool') {
    return value.value ? 1 : 0;
  }
  return undefined;
}

/** The value as an int (a whole number that is not a float), or undefined. */
export function asInt<H>(value: Value<H> | undefined): number | undefined {
  if (value?.kind === 'num') {
    return value.float ? undefined : value.value;
  }
  return value?.kind === 'bool' ? (value.value ? 1 : 0) : undefined;
}

/** Python truthiness of a plain value when static, else undefined (symbols, host values: ask the framework). */
export function plainTruth<H>(value: Value<H>): boolean | undefined {
  switch (value.kind) {
    case 'num':
      return value.value !== 0;
    case 'str':
    case 'bytes':
      return value.value.length > 0;
    case 'bool':
      return value.value;
    case 'none':
      return false;
    case 'list':
      return value.symbolicCount ? (value.items.length > 0 ? true : undefined) : value.items.length > 0;
    case 'dict':
    case 'set':
      return value.entries.size > 0;
    case 'range':
      return rangeLength(value) > 0;
    case 'sym':
    case 'host':
      return undefined;
    default:
      return true;
  }
}

/** Python's `any` over three-valued tests: true when one is true, else undefined when one (or `unknown`) is undecided, else false. */
export function anyTrue<T>(items: Iterable<T>, test: (item: T) => boolean | undefined, unknown = false): boolean | undefined {
  for (const item of items) {
    const truth = test(item);
    if (truth) {
      return true;
    }
    unknown ||= truth === undefined;
  }
  return unknown ? undefined : false;
}

/** The number of items of a range. */
export function rangeLength(range: { start: number; stop: number; step: number }): number {
  const { start, stop, step } = range;
  const n = step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step);
  return Math.max(0, n);
}

/** Python's repr of a float (`1.0`, `0.1`, `1e+20`). */
export function floatText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) {
    return value.toFixed(1);
  }
  return String(value);
}

/**
 * The key of a hashable static value, or undefined when unhashable or unknown. Equal Python values
 * give equal keys (`1`, `1.0` and `True` are one key, as in Python).
 */
export function keyOf<H>(value: Value<H>): DictKey | undefined {
  switch (value.kind) {
    case 'num':
      return `n${value.value}`;
    case 'bool':
      return value.value ? 'n1' : 'n0';
    case 'str':
      return `s${value.value}`;
    case 'bytes':
      return `b${value.value}`;
    case 'none':
      return 'N';
    case 'list': {
      if (!value.tuple || value.symbolicCount) {
        return undefined;
      }
      let key = 't(';
      for (const item of value.items) {
        const inner = keyOf(item);
        if (typeof inner !== 'string') {
          return undefined;
        }
        key += inner.length + ':' + inner;
      }
      return key + ')';
    }
    case 'class':
      return value.cls;
    case 'func':
      return value.fn;
    case 'host':
      return typeof value.host === 'object' && value.host !== null ? value.host : undefined;
    case 'object':
      return value.attrs;
    default:
      return undefined;
  }
}

/** A value as a graph argument: numbers, strings, booleans and None as they are, anything else as `{ expr: text }`. */
export function argValueOf<H>(value: Value<H>, text: string): ArgValue {
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
