/**
 * The few numpy calls model code uses to compute sizes and gains, on static numbers only:
 * `np.sqrt(2)` as an init gain, `int(np.prod(shape))` as a fan, `np.pi`, `np.log`, and
 * `np.array((4, 4)).prod()`. Results follow numpy's types: `np.sqrt`/`np.log` give floats,
 * `np.prod` of ints an int, of an empty sequence the float 1.0. Anything else (arrays of unknown
 * values, framework tensors, names not listed) is the call it was before: a symbol with a note, or
 * the framework's when it knows numpy.
 */
import type { PyNode } from '../ast';
import type { Context, Evaluator, Kwargs } from './contracts';
import { list, sym, type Value, type ValueOf } from './values';

const CONSTANTS = new Map([
  ['numpy.pi', Math.PI],
  ['numpy.e', Math.E],
]);

/** Elementwise functions of one number that always give a float (numpy's float64). */
const FLOAT_UNARY = new Map<string, (x: number) => number>([
  ['numpy.sqrt', Math.sqrt],
  ['numpy.exp', Math.exp],
  ['numpy.log', Math.log],
  ['numpy.log2', Math.log2],
  ['numpy.log10', Math.log10],
  ['numpy.tanh', Math.tanh],
  ['numpy.sin', Math.sin],
  ['numpy.cos', Math.cos],
  ['numpy.floor', Math.floor],
  ['numpy.ceil', Math.ceil],
]);

const REDUCTIONS = new Set(['numpy.prod', 'numpy.sum']);

/** A static numpy array: `np.array` of numbers, kept as its nested lists. */
const NDARRAY = 'numpy.ndarray';

/** The value of a numpy name modelled here, or undefined (the name stays the framework's or a symbol). */
export function numpyValue<H>(qualified: string): Value<H> | undefined {
  const constant = CONSTANTS.get(qualified);
  if (constant !== undefined) {
    return { kind: 'num', value: constant, float: true };
  }
  if (FLOAT_UNARY.has(qualified) || REDUCTIONS.has(qualified) || qualified === 'numpy.array' || qualified === 'numpy.abs') {
    return { kind: 'builtin', name: qualified };
  }
  return undefined;
}

/** True for the numpy functions `numpyValue` gives. */
export function isNumpyCall(name: string): boolean {
  return name.startsWith('numpy.') && name !== NDARRAY;
}

/** The numbers of a static (nested) sequence or array, flattened, or undefined when one is not a static number. */
function numbersOf<H>(value: Value<H> | undefined): ValueOf<H, 'num'>[] | undefined {
  if (value?.kind === 'builtin' && value.name === NDARRAY && value.self) {
    return numbersOf(value.self);
  }
  if (value?.kind === 'num') {
    return [value];
  }
  if (value?.kind === 'bool') {
    return [{ kind: 'num', value: value.value ? 1 : 0, float: false }];
  }
  if (value?.kind !== 'list' || value.symbolicCount) {
    return undefined;
  }
  const out: ValueOf<H, 'num'>[] = [];
  for (const item of value.items) {
    const numbers = numbersOf(item);
    if (!numbers) {
      return undefined;
    }
    out.push(...numbers);
  }
  return out;
}

/** The shape of a static nested sequence (rectangular), or undefined. */
function shapeOf<H>(value: Value<H>): number[] | undefined {
  if (value.kind !== 'list') {
    return [];
  }
  const inner = value.items.map(shapeOf);
  if (inner.some((s) => s === undefined) || inner.some((s) => s!.join() !== inner[0]?.join())) {
    return undefined;
  }
  return [value.items.length, ...(inner[0] ?? [])];
}

/** Calls a numpy function on static numbers; otherwise the call is what it was before (see the file comment). */
export function callNumpy<H>(ev: Evaluator<H>, name: string, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  const [a] = args;
  const origin = ev.text(node);
  const only = args.length === 1 && kwargs.size === 0;
  const unary = FLOAT_UNARY.get(name);
  if (unary && only && (a?.kind === 'num' || a?.kind === 'bool')) {
    // numpy gives nan or inf with a warning where math raises: a symbol here, never a wrong number.
    return ev.number(unary(a.kind === 'num' ? a.value : Number(a.value)), true, origin);
  }
  if (name === 'numpy.abs' && only && a?.kind === 'num') {
    return ev.number(Math.abs(a.value), a.float, origin);
  }
  const numbers = only ? numbersOf(a) : undefined;
  if (REDUCTIONS.has(name) && numbers) {
    const product = name === 'numpy.prod';
    const total = numbers.reduce((acc, n) => (product ? acc * n.value : acc + n.value), product ? 1 : 0);
    // An empty sequence is a float64 array: its product is 1.0 and its sum 0.0.
    return ev.number(total, numbers.length === 0 || numbers.some((n) => n.float), origin);
  }
  if (name === 'numpy.array' && only && a?.kind === 'list' && numbers && shapeOf(a)) {
    return { kind: 'builtin', name: NDARRAY, self: list(a.items, a.tuple) };
  }
  // Not static: a symbol with a note, or what the framework makes of the call (a tensor through it).
  ev.note(`line ${node.range.start.line + 1}: ${name}() is evaluated on static numbers only: ${origin} is a symbol`);
  return ev.host.callUnknown?.({ kind: 'ns', path: name }, args, kwargs, { node, ctx, ev }) ?? sym(origin);
}

/** `arr.prod()`, `arr.sum()`, `arr.shape`, `arr.size`, `arr.ndim` of a static array, or undefined. */
export function ndarrayAttribute<H>(array: Value<H>, name: string): Value<H> | undefined {
  if (array.kind !== 'builtin' || array.name !== NDARRAY || !array.self) {
    return undefined;
  }
  const self = array.self;
  const shape = shapeOf(self) ?? [];
  switch (name) {
    case 'prod':
    case 'sum':
      // The method is the function on the array (`a.prod()` is `np.prod(a)`).
      return { kind: 'partial', fn: { kind: 'builtin', name: `numpy.${name}` }, args: [array], kwargs: new Map() };
    case 'shape':
      return list(
        shape.map((n) => ({ kind: 'num', value: n, float: false })),
        true,
      );
    case 'ndim':
      return { kind: 'num', value: shape.length, float: false };
    case 'size':
      return { kind: 'num', value: shape.reduce((acc, n) => acc * n, 1), float: false };
    default:
      return undefined;
  }
}
