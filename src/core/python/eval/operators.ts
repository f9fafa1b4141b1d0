/**
 * Python operators on plain values: arithmetic with Python's int/float rules (floor division and
 * modulo take the divisor's sign, `/` is always float, `**` with a negative int exponent is float),
 * sequence concatenation and repetition, set and dict unions, and comparisons. Host operands go to
 * the framework; symbols compose into symbols.
 */
import type { PyNode } from '../ast';
import type { Context, Evaluator } from './contracts';
import { percentFormat } from './strings';
import { anyTrue, asNumber, bool, keyOf, list, sym, type DictEntry, type DictKey, type Value } from './values';

/** `left <op> right` (binary and augmented operators). */
export function binaryOp<H>(ev: Evaluator<H>, op: string, left: Value<H>, right: Value<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (left.kind === 'host' || right.kind === 'host') {
    return ev.host.binary?.(op, left, right, { node, ctx, ev }) ?? sym(`${ev.show(left)} ${op} ${ev.show(right)}`);
  }
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined) {
    return arithmetic(ev, op, a, b, isFloat(left) || isFloat(right), node);
  }
  const plain = sequenceOp(ev, op, left, right);
  if (plain) {
    return plain;
  }
  if (left.kind === 'object') {
    const dunder = ev.callMethod(left, DUNDER.has(op) ? `__${DUNDER.get(op)}__` : '', [right], new Map(), node, ctx);
    if (dunder) {
      return dunder;
    }
  }
  return sym(`${ev.show(left)} ${op} ${ev.show(right)}`);
}

/** The method that overloads each operator, as in `__<name>__`. */
const DUNDER = new Map(Object.entries({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '@': 'matmul', '**': 'pow' }));

function isFloat<H>(value: Value<H>): boolean {
  return value.kind === 'num' && value.float;
}

function arithmetic<H>(ev: Evaluator<H>, op: string, a: number, b: number, float: boolean, node: PyNode): Value<H> {
  switch (op) {
    case '+':
      return ev.number(a + b, float, node);
    case '-':
      return ev.number(a - b, float, node);
    case '*':
      return ev.number(a * b, float, node);
    case '/':
      return b === 0 ? zeroDivision(ev, node) : ev.number(a / b, true, node);
    case '//':
      return b === 0 ? zeroDivision(ev, node) : ev.number(Math.floor(a / b), float, node);
    case '%':
      return b === 0 ? zeroDivision(ev, node) : ev.number(a - b * Math.floor(a / b), float, node);
    case '**':
      return ev.number(a ** b, float || b < 0, node);
    case '<<':
      return ev.number(a * 2 ** b, false, node);
    case '>>':
      return ev.number(Math.floor(a / 2 ** b), false, node);
    case '&':
    case '|':
    case '^': {
      const [x, y] = [BigInt(Math.trunc(a)), BigInt(Math.trunc(b))];
      return ev.number(Number(op === '&' ? x & y : op === '|' ? x | y : x ^ y), false, node);
    }
    default:
      ev.note(`the operator ${op} is not supported: ${ev.text(node)} is a symbol`);
      return sym(ev.text(node));
  }
}

function zeroDivision<H>(ev: Evaluator<H>, node: PyNode): Value<H> {
  ev.note(`${ev.text(node)} divides by zero: kept as a symbol`);
  return sym(ev.text(node));
}

/** Concatenation, repetition, `%`-formatting, set and dict operators; undefined when not applicable. */
function sequenceOp<H>(ev: Evaluator<H>, op: string, left: Value<H>, right: Value<H>): Value<H> | undefined {
  if (op === '+') {
    if (left.kind === 'str' && right.kind === 'str') {
      return ev.budget.allowsSize(left.value.length + right.value.length, 'a string') ? { kind: 'str', value: left.value + right.value } : undefined;
    }
    if (left.kind === 'list' && right.kind === 'list' && left.tuple === right.tuple) {
      return list([...left.items, ...right.items], left.tuple, left.symbolicCount || right.symbolicCount);
    }
  }
  if (op === '*') {
    const [seq, count] = left.kind === 'num' || left.kind === 'bool' ? [right, asNumber(left)] : [left, asNumber(right)];
    if (count !== undefined && (seq.kind === 'str' || seq.kind === 'list')) {
      return repeat(ev, seq, count);
    }
  }
  if (op === '%' && left.kind === 'str') {
    const text = percentFormat(left.value, right, ev.show);
    return text === undefined ? undefined : { kind: 'str', value: text };
  }
  if ((left.kind === 'set' && right.kind === 'set') || (op === '|' && left.kind === 'dict' && right.kind === 'dict')) {
    return setOp(op, left.kind, left.entries, right.entries);
  }
  return undefined;
}

function repeat<H>(ev: Evaluator<H>, seq: Value<H>, count: number): Value<H> | undefined {
  const n = Math.max(0, Math.trunc(count));
  const unit = seq.kind === 'str' ? seq.value.length : seq.kind === 'list' ? seq.items.length : 0;
  if (!ev.budget.allowsSize(n * unit, seq.kind === 'str' ? 'a repeated string' : 'a repeated list')) {
    return seq.kind === 'list' && unit > 0 ? list([seq.items[0]!], seq.tuple, true) : undefined;
  }
  if (seq.kind === 'str') {
    return { kind: 'str', value: seq.value.repeat(n) };
  }
  if (seq.kind !== 'list') {
    return undefined;
  }
  const items: Value<H>[] = [];
  for (let i = 0; i < n; i++) {
    items.push(...seq.items);
  }
  return list(items, seq.tuple, seq.symbolicCount);
}

/** Which entries of the left and of the right operand a set operator keeps, by whether the other operand has the key. */
const SET_OPS: Readonly<Record<string, readonly [(inOther: boolean) => boolean, (inOther: boolean) => boolean]>> = {
  '|': [() => true, () => true],
  '&': [(inB) => inB, () => false],
  '-': [(inB) => !inB, () => false],
  '^': [(inB) => !inB, (inA) => !inA],
};

function setOp<H>(op: string, kind: 'dict' | 'set', a: Map<DictKey, DictEntry<H>>, b: Map<DictKey, DictEntry<H>>): Value<H> | undefined {
  const keep = Object.prototype.hasOwnProperty.call(SET_OPS, op) ? SET_OPS[op]! : undefined;
  if (!keep) {
    return undefined;
  }
  const out = new Map<DictKey, DictEntry<H>>();
  for (const [k, e] of a) {
    if (keep[0](b.has(k))) {
      out.set(k, e);
    }
  }
  for (const [k, e] of b) {
    if (keep[1](a.has(k))) {
      out.set(k, e);
    }
  }
  return { kind, entries: out };
}

/** Python `==` between values when it can be told, else undefined. */
export function equals<H>(a: Value<H>, b: Value<H>): boolean | undefined {
  if (a === b) {
    return true;
  }
  if (a.kind === 'sym' || b.kind === 'sym' || a.kind === 'host' || b.kind === 'host') {
    return undefined;
  }
  if (a.kind === 'builtin' && b.kind === 'builtin' && !a.self && !b.self) {
    // Builtin functions and types (`type(f) == functools.partial`) are equal by name.
    return a.name === b.name;
  }
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined || y !== undefined) {
    return x === y;
  }
  if (a.kind === 'list' && b.kind === 'list') {
    if (a.symbolicCount || b.symbolicCount) {
      return undefined;
    }
    if (a.tuple !== b.tuple || a.items.length !== b.items.length) {
      return false;
    }
    let all: boolean | undefined = true;
    for (let i = 0; i < a.items.length && all !== false; i++) {
      const same = equals(a.items[i]!, b.items[i]!);
      all = same === false ? false : same === undefined ? undefined : all;
    }
    return all;
  }
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (ka !== undefined && kb !== undefined) {
    return ka === kb;
  }
  if (a.kind !== b.kind) {
    return a.kind === 'object' || b.kind === 'object' ? undefined : false;
  }
  return undefined;
}

/** Orders two values (`<` as -1/0/1), or undefined when they cannot be compared statically. */
function order<H>(a: Value<H>, b: Value<H>): number | undefined {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind === 'str' && b.kind === 'str') {
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }
  if (a.kind === 'list' && b.kind === 'list' && !a.symbolicCount && !b.symbolicCount) {
    for (let i = 0; i < Math.min(a.items.length, b.items.length); i++) {
      const c = order(a.items[i]!, b.items[i]!);
      if (c !== 0) {
        return c;
      }
    }
    return a.items.length - b.items.length;
  }
  return undefined;
}

/** One comparison (`<`, `==`, `in`, `is not` …): a bool, or undefined when it cannot be decided. */
export function compare<H>(op: string, a: Value<H>, b: Value<H>): boolean | undefined {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
    case '<>':
      return not(equals(a, b));
    case 'is':
      return identical(a, b);
    case 'is not':
      return not(identical(a, b));
    case 'in':
      return contains(b, a);
    case 'not in':
      return not(contains(b, a));
    default: {
      const c = order(a, b);
      if (c === undefined) {
        return undefined;
      }
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : undefined;
    }
  }
}

function not(truth: boolean | undefined): boolean | undefined {
  return truth === undefined ? undefined : !truth;
}

function identical<H>(a: Value<H>, b: Value<H>): boolean | undefined {
  if (a.kind === 'none' || b.kind === 'none') {
    return a.kind === 'sym' || b.kind === 'sym' ? undefined : a.kind === b.kind;
  }
  if (a.kind === 'bool' && b.kind === 'bool') {
    return a.value === b.value;
  }
  if (a.kind === 'host' && b.kind === 'host') {
    return a.host === b.host ? true : undefined;
  }
  if (a.kind === 'sym' || b.kind === 'sym' || a.kind === 'host' || b.kind === 'host') {
    return undefined;
  }
  return a === b || (keyOf(a) !== undefined && keyOf(a) === keyOf(b) && typeof keyOf(a) === 'object');
}

/** `item in container` when it can be told. */
function contains<H>(container: Value<H>, item: Value<H>): boolean | undefined {
  switch (container.kind) {
    case 'str':
      return item.kind === 'str' ? container.value.includes(item.value) : undefined;
    case 'dict':
    case 'set': {
      const key = keyOf(item);
      return key === undefined ? undefined : container.entries.has(key);
    }
    case 'range': {
      const n = asNumber(item);
      if (n === undefined) {
        return item.kind === 'sym' || item.kind === 'host' ? undefined : false;
      }
      const { start, stop, step } = container;
      return Number.isInteger(n) && (step > 0 ? n >= start && n < stop : n <= start && n > stop) && (n - start) % step === 0;
    }
    case 'list':
      return anyTrue(container.items, (candidate) => equals(candidate, item), container.symbolicCount);
    default:
      return undefined;
  }
}

/** Unary `-`, `+`, `~` and `not`. */
export function unaryOp<H>(ev: Evaluator<H>, op: string, operand: Value<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (op === 'not') {
    const truth = ev.truthy(operand);
    return truth === undefined ? sym(ev.text(node)) : bool(!truth);
  }
  const n = asNumber(operand);
  if (n !== undefined) {
    const float = operand.kind === 'num' && operand.float;
    return op === '-' ? ev.number(-n, float, node) : op === '~' ? ev.number(-n - 1, false, node) : ev.number(n, float, node);
  }
  if (operand.kind === 'host') {
    return ev.host.unary?.(op, operand.host, { node, ctx, ev }) ?? sym(ev.text(node));
  }
  return sym(ev.text(node));
}
