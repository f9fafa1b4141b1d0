/**
 * The standard library that model code uses: `math`, `functools` (partial, reduce), `copy`
 * (deep copies of host values are the framework's), `collections.OrderedDict`, `dataclasses`,
 * `operator`, the `typing` names that build classes (NamedTuple), configuration objects
 * (argparse, SimpleNamespace, ConfigDict: ./argparseModel.ts) and numpy on static numbers
 * (./numpyScalars.ts).
 */
import type { PyNode } from '../ast';
import { callConfig, configValue, isConfigCall } from './argparseModel';
import { makeDataclass } from './classes';
import type { Context, Evaluator, Kwargs } from './contracts';
import { callNumpy, isNumpyCall, numpyValue } from './numpyScalars';
import { subscriptOf } from './subscripts';
import { erf } from '../../math/quadrature';
import { asNumber, list, sym, type PyClass, type Value } from './values';

const MATH_CONSTANTS = new Map([
  ['math.pi', Math.PI],
  ['math.e', Math.E],
  ['math.tau', 2 * Math.PI],
]);

const MATH_UNARY = new Map<string, (x: number) => number>([
  ['math.sqrt', Math.sqrt],
  ['math.exp', Math.exp],
  ['math.log2', Math.log2],
  ['math.log10', Math.log10],
  ['math.sin', Math.sin],
  ['math.cos', Math.cos],
  ['math.tan', Math.tan],
  ['math.tanh', Math.tanh],
  ['math.atan', Math.atan],
  ['math.erf', erf],
  ['math.fabs', Math.abs],
]);

const INT_RESULTS = new Set(['math.ceil', 'math.floor', 'math.trunc', 'math.gcd', 'math.isqrt', 'math.factorial']);

// Names as one string split once (a list of 30 lines would say no more).
const CALLABLE = new Set([
  ...MATH_UNARY.keys(),
  ...INT_RESULTS,
  ...(
    'math.log math.pow math.prod math.isfinite functools.partial functools.reduce functools.wraps functools.lru_cache functools.cache copy.copy ' +
    'copy.deepcopy collections.OrderedDict collections.defaultdict collections.namedtuple dataclasses.field dataclasses.dataclass typing.NamedTuple typing.cast ' +
    'operator.add operator.mul operator.sub operator.truediv operator.floordiv operator.getitem'
  ).split(' '),
]);

/** The value of a standard-library name, or undefined when not modelled. */
export function stdlibValue<H>(qualified: string): Value<H> | undefined {
  const config = configValue<H>(qualified) ?? numpyValue<H>(qualified);
  if (config) {
    return config;
  }
  const constant = MATH_CONSTANTS.get(qualified);
  if (constant !== undefined) {
    return { kind: 'num', value: constant, float: true };
  }
  if (qualified === 'math.inf') {
    return sym('math.inf');
  }
  if (CALLABLE.has(qualified)) {
    return { kind: 'builtin', name: qualified };
  }
  if (qualified === 'typing' || qualified === 'math' || qualified === 'functools' || qualified === 'copy' || qualified === 'dataclasses') {
    return { kind: 'ns', path: qualified };
  }
  return undefined;
}

/** Calls a standard-library function by its qualified name. */
export function callStdlib<H>(ev: Evaluator<H>, name: string, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (isConfigCall(name)) {
    return callConfig(ev, name, args, kwargs, node, ctx);
  }
  if (isNumpyCall(name)) {
    return callNumpy(ev, name, args, kwargs, node, ctx);
  }
  const [a, b] = args;
  const x = asNumber(a);
  const text = sym<H>(ev.text(node));
  const unary = MATH_UNARY.get(name);
  if (unary) {
    return x === undefined || (name === 'math.sqrt' && x < 0) ? text : ev.number(unary(x), true, ev.text(node));
  }
  switch (name) {
    case 'math.ceil':
      return x === undefined ? text : ev.number(Math.ceil(x), false, ev.text(node));
    case 'math.floor':
      return x === undefined ? text : ev.number(Math.floor(x), false, ev.text(node));
    case 'math.trunc':
      return x === undefined ? text : ev.number(Math.trunc(x), false, ev.text(node));
    case 'math.isqrt':
      return x === undefined || x < 0 ? text : ev.number(Math.floor(Math.sqrt(x)), false, ev.text(node));
    case 'math.log': {
      const base = b ? asNumber(b) : Math.E;
      return x === undefined || base === undefined || x <= 0 ? text : ev.number(Math.log(x) / Math.log(base), true, ev.text(node));
    }
    case 'math.pow':
      return x === undefined || asNumber(b) === undefined ? text : ev.number(x ** asNumber(b)!, true, ev.text(node));
    case 'math.gcd': {
      let [p, q] = [Math.abs(x ?? NaN), Math.abs(asNumber(b) ?? NaN)];
      if (Number.isNaN(p) || Number.isNaN(q)) {
        return text;
      }
      while (q) {
        [p, q] = [q, p % q];
      }
      return ev.number(p, false, '');
    }
    case 'math.prod':
    case 'math.factorial': {
      const items =
        name === 'math.factorial'
          ? x === undefined || x > 170
            ? undefined
            : Array.from({ length: x }, (_, i) => ev.number(i + 1, false, ''))
          : a
            ? ev.iterate(a, node, ctx)
            : undefined;
      const values = Array.isArray(items) ? items : items && !items.symbolic ? items.items : undefined;
      if (!values) {
        return text;
      }
      let product: Value<H> = kwargs.get('start') ?? ev.number(1, false, '');
      for (const item of values) {
        product = ev.binary('*', product, item, node, ctx);
      }
      return product;
    }
    case 'math.isfinite':
      return x === undefined ? text : { kind: 'bool', value: Number.isFinite(x) };
    case 'functools.partial':
      return a ? { kind: 'partial', fn: a, args: args.slice(1), kwargs: new Map(kwargs) } : text;
    case 'functools.reduce': {
      const iteration = b ? ev.iterate(b, node, ctx) : undefined;
      if (!a || !iteration || iteration.symbolic) {
        return text;
      }
      const items = [...iteration.items];
      let acc = args[2] ?? items.shift();
      for (const item of items) {
        acc = ev.call(a, [acc!, item], new Map(), node, ctx);
      }
      return acc ?? text;
    }
    case 'functools.wraps':
    case 'functools.lru_cache':
    case 'functools.cache':
      // Decorator factories that return the function unchanged (for our purposes).
      return a?.kind === 'func' ? a : { kind: 'builtin', name: 'identity' };
    case 'typing.cast':
      // `cast(int, v)` is `v` at run time.
      return b ?? text;
    case 'copy.copy':
    case 'copy.deepcopy':
      return a ? copyValue(ev, a, name === 'copy.deepcopy', node, ctx) : text;
    case 'collections.OrderedDict':
    case 'collections.defaultdict':
      return ev.call({ kind: 'builtin', name: 'dict' }, name === 'collections.defaultdict' ? args.slice(1) : args, kwargs, node, ctx);
    case 'collections.namedtuple': {
      // `namedtuple('P', 'x y')` or `namedtuple('P', ['x', 'y'], defaults=[0])`: a class of fields.
      const names =
        b?.kind === 'str'
          ? b.value
              .replaceAll(',', ' ')
              .split(' ')
              .filter((n) => n !== '')
          : b
            ? ev.iterate(b, node, ctx).items.map((i) => (i.kind === 'str' ? i.value : ''))
            : [];
      const defaults = kwargs.get('defaults');
      const given = defaults ? ev.iterate(defaults, node, ctx).items : [];
      if (a?.kind !== 'str' || names.length === 0 || names.some((n) => n === '')) {
        return text;
      }
      const fields = names.map((field, i) => ({ name: field, default: given[i - (names.length - given.length)] }));
      const cls: PyClass<H> = { name: a.value, bases: [], foreignBases: [], mro: [], attrs: new Map(), fields, decorators: [] };
      cls.mro.push(cls);
      return { kind: 'class', cls };
    }
    case 'operator.getitem':
      return a && b ? subscriptOf(ev, a, b, node, ctx) : text;
    case 'dataclasses.dataclass':
      // `@dataclass` on a class, or `@dataclass(frozen=True)` giving the decorator back.
      if (a?.kind === 'class') {
        makeDataclass(ev, a.cls);
        return a;
      }
      return { kind: 'builtin', name };
    case 'dataclasses.field': {
      // A field marker, read by the dataclass decorator.
      const entries = new Map();
      for (const [key, value] of kwargs) {
        entries.set(`s${key}`, { key: { kind: 'str', value: key }, value });
      }
      return { kind: 'builtin', name: 'dataclasses.field', self: { kind: 'dict', entries } };
    }
    case 'operator.add':
    case 'operator.mul':
    case 'operator.sub':
    case 'operator.truediv':
    case 'operator.floordiv': {
      const op = { 'operator.add': '+', 'operator.mul': '*', 'operator.sub': '-', 'operator.truediv': '/', 'operator.floordiv': '//' }[name];
      return a && b ? ev.binary(op, a, b, node, ctx) : text;
    }
    default:
      ev.note(`line ${node.range.start.line + 1}: ${name}() is not evaluated: ${ev.text(node)} is a symbol`);
      return text;
  }
}

/** `copy.copy`/`copy.deepcopy` of plain containers; host values are copied by the framework. */
function copyValue<H>(ev: Evaluator<H>, value: Value<H>, deep: boolean, node: PyNode, ctx: Context<H>): Value<H> {
  const again = (v: Value<H>) => (deep ? copyValue(ev, v, deep, node, ctx) : v);
  switch (value.kind) {
    case 'list':
      return list(value.items.map(again), value.tuple, value.symbolicCount);
    case 'dict':
    case 'set': {
      const entries = new Map();
      for (const [k, e] of value.entries) {
        entries.set(k, { key: e.key, value: again(e.value) });
      }
      return { kind: value.kind, entries };
    }
    case 'object': {
      // An instance the framework backs (a model) is the framework's to copy, with its attributes.
      const hosted = deep && value.host !== undefined ? ev.host.deepcopy?.(value.host, { node, ctx, ev }) : undefined;
      if (hosted?.kind === 'object') {
        return hosted;
      }
      const attrs = new Map<string, Value<H>>();
      for (const [k, v] of value.attrs) {
        attrs.set(k, again(v));
      }
      return { kind: 'object', cls: value.cls, attrs, host: value.host };
    }
    case 'host':
      return deep ? (ev.host.deepcopy?.(value.host, { node, ctx, ev }) ?? value) : value;
    default:
      return value;
  }
}
