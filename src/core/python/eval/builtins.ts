/**
 * Python's builtin functions as model code uses them (range, len, zip, sorted, min, int, isinstance,
 * getattr …). What cannot be computed statically gives a symbol; methods of plain values and the
 * standard library are dispatched to methods.ts and stdlib.ts.
 */
import type { PyNode } from '../ast';
import { findInClass } from './attributes';
import type { Context, Evaluator, Kwargs } from './contracts';
import { callPlainMethod } from './methods';
import { compare } from './operators';
import { callStdlib } from './stdlib';
import { fixed, reprOf, strOf } from './strings';
import { anyTrue, asInt, asNumber, bool, FALSE, keyOf, list, NONE, str, sym, TRUE, type DictEntry, type DictKey, type Value } from './values';

type Builtin<H> = Extract<Value<H>, { kind: 'builtin' }>;

/** Calls a builtin (a function, a method of a plain value, or a standard-library function). */
export function callBuiltin<H>(ev: Evaluator<H>, callee: Builtin<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (callee.self) {
    return callPlainMethod(ev, callee.name, callee.self, args, kwargs, node, ctx);
  }
  if (callee.name.includes('.')) {
    return callee.name === 'object.method' ? NONE : callStdlib(ev, callee.name, args, kwargs, node, ctx);
  }
  const [a, b] = args;
  const text = () => sym<H>(ev.text(node));
  /** Items of an iterable argument, or undefined when its length is unknown. */
  const items = (value: Value<H> | undefined): Value<H>[] | undefined => {
    if (!value) {
      return [];
    }
    const iteration = ev.iterate(value, node, ctx);
    return iteration.symbolic ? undefined : iteration.items;
  };
  switch (callee.name) {
    case 'range': {
      const bounds = args.map(asInt);
      if (args.length === 0 || bounds.some((n) => n === undefined)) {
        return text();
      }
      const [x, y, z] = bounds as number[];
      if (z === 0) {
        return text();
      }
      return args.length === 1 ? { kind: 'range', start: 0, stop: x!, step: 1 } : { kind: 'range', start: x!, stop: y!, step: z ?? 1 };
    }
    case 'len': {
      if (a?.kind === 'object') {
        return ev.callMethod(a, '__len__', [], new Map(), node, ctx) ?? text();
      }
      if (a?.kind === 'str' || a?.kind === 'bytes') {
        return ev.number(a.value.length, false, '');
      }
      if (a?.kind === 'dict' || a?.kind === 'set') {
        return ev.number(a.entries.size, false, '');
      }
      const all = a && a.kind !== 'host' && a.kind !== 'sym' ? items(a) : undefined;
      return all ? ev.number(all.length, false, '') : text();
    }
    case 'enumerate': {
      const iteration = a ? ev.iterate(a, node, ctx) : { items: [], symbolic: false };
      const start = asInt(b ?? kwargs.get('start')) ?? 0;
      const pairs = iteration.items.map((item, i) =>
        list([iteration.symbolic ? sym<H>(`${ev.text(node)}[*][0]`) : ev.number(start + i, false, ''), item], true),
      );
      return list(pairs, false, iteration.symbolic);
    }
    case 'zip': {
      const all = args.map((arg) => ev.iterate(arg, node, ctx));
      const symbolic = all.length > 0 && all.every((it) => it.symbolic);
      const known = all.filter((it) => !it.symbolic);
      const n = symbolic ? 1 : Math.min(...known.map((it) => it.items.length));
      const row = (i: number) => all.map((it) => (it.symbolic ? (it.items[0] ?? text()) : it.items[i]!));
      return list(
        Array.from({ length: all.length === 0 ? 0 : n }, (_, i) => list(row(i), true)),
        false,
        symbolic,
      );
    }
    case 'reversed': {
      const all = items(a);
      return all ? list([...all].reverse()) : text();
    }
    case 'sorted': {
      const all = items(a);
      const sorted = all ? sortValues(ev, all, kwargs, node, ctx) : undefined;
      return sorted ? list(sorted) : text();
    }
    case 'min':
    case 'max': {
      const all = args.length === 1 ? items(a) : args;
      if (!all || all.length === 0) {
        return all && kwargs.has('default') ? kwargs.get('default')! : text();
      }
      const sorted = sortValues(ev, all, kwargs, node, ctx);
      return sorted ? (callee.name === 'min' ? sorted[0]! : sorted[sorted.length - 1]!) : text();
    }
    case 'sum': {
      const all = items(a);
      let total: Value<H> = b ?? kwargs.get('start') ?? ev.number(0, false, '');
      if (!all) {
        return text();
      }
      for (const item of all) {
        total = ev.binary('+', total, item, node, ctx);
      }
      return total;
    }
    case 'abs': {
      const n = asNumber(a);
      return n === undefined ? text() : ev.number(Math.abs(n), a?.kind === 'num' && a.float, '');
    }
    case 'round': {
      const n = asNumber(a);
      const digits = b ? asInt(b) : undefined;
      if (n === undefined || (b && digits === undefined)) {
        return text();
      }
      if (digits === undefined) {
        // Python rounds halves to even.
        const floor = Math.floor(n);
        const diff = n - floor;
        return ev.number(diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor, false, '');
      }
      return ev.number(Number(fixed(n, Math.max(0, digits))), a?.kind === 'num' && a.float, '');
    }
    case 'int': {
      if (a?.kind === 'str') {
        const base = asInt(b ?? kwargs.get('base')) ?? 10;
        const parsed = parseInt(a.value.trim().replaceAll('_', ''), base);
        return Number.isNaN(parsed) ? text() : ev.number(parsed, false, '');
      }
      const n = asNumber(a ?? ev.number(0, false, ''));
      return n === undefined ? text() : ev.number(Math.trunc(n), false, '');
    }
    case 'float': {
      if (a?.kind === 'str') {
        const lower = a.value.trim().toLowerCase();
        const parsed = Number(lower);
        return Number.isFinite(parsed) && lower !== '' ? ev.number(parsed, true, '') : text();
      }
      const n = asNumber(a ?? ev.number(0, false, ''));
      return n === undefined ? text() : ev.number(n, true, '');
    }
    case 'str':
      return !a ? str('') : a.kind === 'sym' || a.kind === 'host' ? text() : str(strOf(a, ev.show));
    case 'repr':
      return !a || a.kind === 'sym' || a.kind === 'host' ? text() : str(reprOf(a, ev.show));
    case 'bool': {
      const truth = a ? ev.truthy(a) : false;
      return truth === undefined ? text() : bool(truth);
    }
    case 'list':
    case 'tuple': {
      if (!a) {
        return list([], callee.name === 'tuple');
      }
      const iteration = ev.iterate(a, node, ctx);
      return list([...iteration.items], callee.name === 'tuple', iteration.symbolic);
    }
    case 'set':
    case 'frozenset':
    case 'dict':
      return collection(ev, callee.name === 'dict' ? 'dict' : 'set', a, kwargs, node, ctx) ?? text();
    case 'isinstance':
    case 'issubclass': {
      const truth = a && b ? isInstance(ev, a, b, callee.name === 'issubclass') : undefined;
      return truth === undefined ? text() : bool(truth);
    }
    case 'getattr':
    case 'hasattr': {
      if (b?.kind !== 'str' || !a) {
        return callee.name === 'getattr' && args[2] ? ev.merge([text(), args[2]], ev.text(node), node, ctx) : text();
      }
      const found = attributeIfPresent(ev, a, b.value, node, ctx);
      if (callee.name === 'hasattr') {
        return found === undefined ? text() : bool(found !== null);
      }
      return found ?? (found === null && args[2] ? args[2] : ev.getAttribute(a, b.value, node, ctx));
    }
    case 'vars':
      // `vars(args)`: the attributes of a plain object (a parsed Namespace, a config) as a dict.
      return a?.kind === 'object' ? ev.getAttribute(a, '__dict__', node, ctx) : text();
    case 'setattr':
      if (a && b?.kind === 'str' && args[2]) {
        ev.setAttribute(a, b.value, args[2], node, ctx);
        return NONE;
      }
      ev.note(`line ${node.range.start.line + 1}: ${ev.text(node)} sets an attribute that is not known`);
      return NONE;
    case 'map':
    case 'filter': {
      const lists = args.slice(1).map(items);
      if (!a || lists.length === 0 || lists.some((l) => !l)) {
        return text();
      }
      const first = lists[0]!;
      const out: Value<H>[] = [];
      for (let i = 0; i < first.length; i++) {
        if (lists.some((l) => i >= l!.length)) {
          break;
        }
        const row = lists.map((l) => l![i]!);
        const result = a.kind === 'none' ? first[i]! : ev.call(a, row, new Map(), node, ctx);
        if (callee.name === 'map') {
          out.push(result);
          continue;
        }
        const keep = ev.truthy(result);
        if (keep === undefined) {
          return text();
        }
        if (keep) {
          out.push(first[i]!);
        }
      }
      return list(out);
    }
    case 'any':
    case 'all': {
      const all = items(a);
      if (!all) {
        return text();
      }
      const isAny = callee.name === 'any';
      // The first item that decides (true for any, false for all) answers.
      const decided = anyTrue(all, (item) => {
        const truth = ev.truthy(item);
        return truth === undefined ? undefined : truth === isAny;
      });
      return decided === undefined ? text() : bool(decided === isAny);
    }
    case 'divmod':
      return a && b ? list([ev.binary('//', a, b, node, ctx), ev.binary('%', a, b, node, ctx)], true) : text();
    case 'pow':
      return a && b ? ev.binary('**', a, b, node, ctx) : text();
    case 'print':
      return NONE;
    case 'identity':
      return a ?? NONE;
    case 'iter':
      return a ?? text();
    case 'next': {
      const iteration = a ? ev.iterate(a, node, ctx) : undefined;
      return iteration?.items[0] ?? b ?? text();
    }
    case 'type':
      if (a?.kind === 'host') {
        return ev.host.typeOf?.(a.host) ?? text();
      }
      return a?.kind === 'object' ? { kind: 'class', cls: a.cls } : a ? (typeName<H>(a) ?? text()) : text();
    case 'super': {
      const cls = ctx.ownerClass;
      const self = ctx.self;
      return cls && self ? { kind: 'super', cls, self } : text();
    }
    case 'callable':
      return a?.kind === 'func' || a?.kind === 'class' || a?.kind === 'method' || a?.kind === 'partial' || a?.kind === 'builtin'
        ? TRUE
        : a?.kind === 'num' || a?.kind === 'str'
          ? FALSE
          : text();
    case 'staticmethod':
    case 'classmethod':
    case 'property':
      if (a?.kind === 'func') {
        a.fn.binding = callee.name === 'staticmethod' ? 'static' : callee.name === 'classmethod' ? 'class' : 'property';
        return a;
      }
      return a ?? text();
    case 'chr': {
      const code = asInt(a);
      return code === undefined || code < 0 || code > 0x10ffff ? text() : str(String.fromCodePoint(code));
    }
    case 'ord':
      return a?.kind === 'str' && a.value.length === 1 ? ev.number(a.value.codePointAt(0)!, false, '') : text();
    case 'format':
      return a && b?.kind === 'str' ? callPlainMethod(ev, 'str.format', str(`{:${b.value}}`), [a], new Map(), node, ctx) : text();
    default:
      // Exception classes and the rest: their calls are kept as symbols.
      return text();
  }
}

/** Sorts values by `key=` and `reverse=`; undefined when an order cannot be told. */
function sortValues<H>(ev: Evaluator<H>, values: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H>[] | undefined {
  const keyFn = kwargs.get('key');
  const keyed = values.map((value) => ({ value, key: keyFn && keyFn.kind !== 'none' ? ev.call(keyFn, [value], new Map(), node, ctx) : value }));
  let unknown = false;
  keyed.sort((x, y) => {
    if (compare('<', x.key, y.key)) {
      return -1;
    }
    const greater = compare('>', x.key, y.key);
    unknown ||= greater === undefined;
    return greater ? 1 : 0;
  });
  if (unknown) {
    return undefined;
  }
  const sorted = keyed.map((k) => k.value);
  return ev.truthy(kwargs.get('reverse') ?? FALSE) ? sorted.reverse() : sorted;
}

/** `dict(...)`, `set(...)`: from an iterable (pairs for dict) and keywords. */
function collection<H>(
  ev: Evaluator<H>,
  kind: 'dict' | 'set',
  source: Value<H> | undefined,
  kwargs: Kwargs<H>,
  node: PyNode,
  ctx: Context<H>,
): Value<H> | undefined {
  const entries = new Map<DictKey, DictEntry<H>>();
  if (source?.kind === 'dict') {
    for (const [k, e] of source.entries) {
      entries.set(k, kind === 'dict' ? e : { key: e.key, value: NONE });
    }
  } else if (source) {
    const iteration = ev.iterate(source, node, ctx);
    if (iteration.symbolic) {
      return undefined;
    }
    for (const item of iteration.items) {
      const pair = kind === 'dict' ? (item.kind === 'list' && item.items.length === 2 ? item.items : undefined) : [item, NONE];
      const key = pair && keyOf(pair[0]!);
      if (!pair || key === undefined) {
        return undefined;
      }
      entries.set(key, { key: pair[0]!, value: pair[1]! });
    }
  }
  for (const [name, value] of kwargs) {
    entries.set(`s${name}`, { key: str(name), value });
  }
  return { kind, entries };
}

/** The builtin type of a plain value (`type(3)` is `int`). */
function typeName<H>(value: Value<H>): Value<H> | undefined {
  const kind = value.kind;
  const name =
    kind === 'num' ? (value.float ? 'float' : 'int') : kind === 'list' ? (value.tuple ? 'tuple' : 'list') : kind === 'partial' ? 'functools.partial' : kind;
  return BUILTIN_TYPES.has(name) ? { kind: 'builtin', name } : undefined;
}

const BUILTIN_TYPES = new Set(['str', 'int', 'float', 'bool', 'list', 'tuple', 'dict', 'set', 'functools.partial']);

/** `isinstance`/`issubclass` against a class, a builtin type, a host class, or a tuple of them. */
function isInstance<H>(ev: Evaluator<H>, value: Value<H>, cls: Value<H>, subclass: boolean): boolean | undefined {
  if (cls.kind === 'list' && cls.tuple) {
    return anyTrue(cls.items, (option) => isInstance(ev, value, option, subclass));
  }
  if (cls.kind === 'class') {
    const own = subclass ? (value.kind === 'class' ? value.cls : undefined) : value.kind === 'object' ? value.cls : undefined;
    if (own) {
      return own.mro.includes(cls.cls) ? true : own.mro.some((c) => c.foreignBases.length > 0) ? undefined : false;
    }
    return value.kind === 'sym' || value.kind === 'host' ? undefined : false;
  }
  if (cls.kind === 'builtin' && !subclass) {
    // A host value whose type the host knows as a builtin (a framework class is a `type`) is compared too.
    const type = value.kind === 'host' ? ev.host.typeOf?.(value.host) : typeName(value);
    if (type?.kind === 'builtin') {
      return type.name === cls.name || (cls.name === 'int' && type.name === 'bool');
    }
    return value.kind === 'sym' || value.kind === 'host' ? undefined : false;
  }
  if (cls.kind === 'host') {
    return ev.host.isInstance?.(value, cls.host);
  }
  return undefined;
}

/** An attribute if the value has it, `null` if it surely has not, undefined if unknown (for hasattr/getattr defaults). */
function attributeIfPresent<H>(ev: Evaluator<H>, object: Value<H>, name: string, node: PyNode, ctx: Context<H>): Value<H> | null | undefined {
  if (object.kind === 'object') {
    if (object.attrs.has(name)) {
      return object.attrs.get(name);
    }
    if (findInClass(object.cls, name)) {
      return ev.getAttribute(object, name, node, ctx);
    }
    return object.cls.mro.some((c) => c.foreignBases.length > 0) ? undefined : null;
  }
  if (object.kind === 'class') {
    return findInClass(object.cls, name) ? ev.getAttribute(object, name, node, ctx) : object.cls.mro.some((c) => c.foreignBases.length > 0) ? undefined : null;
  }
  if (object.kind === 'ns' || object.kind === 'host') {
    const value = ev.getAttribute(object, name, node, ctx);
    return value.kind === 'sym' || value.kind === 'ns' ? undefined : value;
  }
  if (object.kind === 'dict' || object.kind === 'str' || object.kind === 'list' || object.kind === 'num' || object.kind === 'none') {
    return object.kind === 'none' ? null : undefined;
  }
  return undefined;
}
