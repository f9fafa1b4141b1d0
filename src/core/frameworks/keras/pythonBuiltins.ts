/**
 * Python builtins and small pure helpers of the Keras interpreter: `range`, `len`, `enumerate`, …,
 * comparisons (chained by the caller), `%`-formatting and string escapes.
 */
import type { ExpressionInterpreter as KerasInterpreter } from './expressions';
import type { CallSite } from './interpreterCore';
import { asNumber, num, seq, str, sym, type Value } from './values';

const MAX_ITEMS = 512;

/** Python builtins the models use (range, len, int, …); any other unknown callee is an unknown call. */
export function callBuiltin(interp: KerasInterpreter, name: string, call: CallSite): Value {
  const args = call.positional;
  const numbers = args.map(asNumber);
  switch (name) {
    case 'range': {
      if (numbers.some((n) => n === undefined) || args.length === 0 || args.length > 3) {
        return sym('range(...)');
      }
      const [a, b, step] = args.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
      if (step === 0 || Math.abs((b - a) / step) > MAX_ITEMS) {
        return sym('range(...)');
      }
      const items: Value[] = [];
      for (let i = a; step > 0 ? i < b : i > b; i += step) {
        items.push(num(i));
      }
      return seq(items);
    }
    case 'len': {
      const value = args[0];
      if (value?.kind === 'seq') {
        return num(value.items.length);
      }
      return value?.kind === 'str' ? num(value.value.length) : sym('len(...)');
    }
    case 'int':
      return numbers[0] !== undefined ? num(Math.trunc(numbers[0])) : sym('int(...)');
    case 'float':
      return numbers[0] !== undefined ? num(numbers[0]) : sym('float(...)');
    case 'round':
      return numbers[0] !== undefined && args.length === 1 ? num(Math.round(numbers[0])) : sym('round(...)');
    case 'abs':
      return numbers[0] !== undefined ? num(Math.abs(numbers[0])) : sym('abs(...)');
    case 'min':
    case 'max': {
      const items = args.length === 1 && args[0]?.kind === 'seq' ? args[0].items.map(asNumber) : numbers;
      if (items.length === 0 || items.some((n) => n === undefined)) {
        return sym(`${name}(...)`);
      }
      return num(name === 'min' ? Math.min(...(items as number[])) : Math.max(...(items as number[])));
    }
    case 'list':
    case 'tuple': {
      const items = args[0] ? interp.iterate(args[0]) : [];
      return items ? seq([...items], name === 'tuple') : sym(`${name}(...)`);
    }
    case 'enumerate': {
      const items = args[0] ? interp.iterate(args[0]) : undefined;
      const start = numbers[1] ?? 0;
      return items ? seq(items.map((item, i) => seq([num(i + start), item], true))) : sym('enumerate(...)');
    }
    case 'zip': {
      const lists = args.map((a) => interp.iterate(a));
      if (lists.some((l) => l === undefined) || lists.length === 0) {
        return sym('zip(...)');
      }
      const length = Math.min(...lists.map((l) => l!.length));
      return seq(
        Array.from({ length }, (_, i) =>
          seq(
            lists.map((l) => l![i]!),
            true,
          ),
        ),
      );
    }
    case 'reversed': {
      const items = args[0] ? interp.iterate(args[0]) : undefined;
      return items ? seq([...items].reverse()) : sym('reversed(...)');
    }
    case 'str':
      return args[0]?.kind === 'str' ? args[0] : numbers[0] !== undefined ? str(String(numbers[0])) : sym('str(...)');
    case 'math.ceil':
      return numbers[0] !== undefined ? num(Math.ceil(numbers[0])) : sym('math.ceil(...)');
    case 'math.floor':
      return numbers[0] !== undefined ? num(Math.floor(numbers[0])) : sym('math.floor(...)');
    case 'math.sqrt':
      return numbers[0] !== undefined && numbers[0] >= 0 ? num(Math.sqrt(numbers[0])) : sym('math.sqrt(...)');
    case 'chr':
      // EfficientNet's block names: f"block{i + 1}{chr(j + 97)}_".
      return numbers[0] !== undefined && Number.isInteger(numbers[0]) && numbers[0] >= 32 && numbers[0] < 127
        ? str(String.fromCharCode(numbers[0]))
        : sym('chr(...)');
    case 'copy.deepcopy':
    case 'copy.copy':
    case 'dict':
    case 'list': {
      // Keras applications copy their block configs before mutating them
      // (`blocks_args = copy.deepcopy(blocks_args)`); the copy must not share the original's items.
      const value = args[0];
      if (name === 'dict' && value === undefined) {
        return { kind: 'dict', entries: new Map(call.keywords) };
      }
      if (value?.kind === 'dict' || value?.kind === 'seq') {
        return name === 'copy.deepcopy'
          ? deepCopy(value)
          : value.kind === 'dict'
            ? { kind: 'dict', entries: new Map(value.entries) }
            : seq([...value.items], value.tuple && name !== 'list');
      }
      return interp.unknownCall(call);
    }
    case 'print':
    case 'isinstance':
    case 'hasattr':
    case 'super':
      return sym(`${name}(...)`);
    default:
      return interp.unknownCall(call);
  }
}

/** `'conv_%d' % i` with `%d`, `%i`, `%s` (and `%%`) over resolved numbers and strings, else undefined. */
export function percentFormat(format: string, values: Value[]): Value | undefined {
  let index = 0;
  let failed = false;
  const out = format.replace(/%([%dis])/g, (_, spec: string) => {
    if (spec === '%') {
      return '%';
    }
    const value = values[index++];
    if (value?.kind === 'num' && (spec === 's' || Number.isInteger(value.value))) {
      return String(spec === 's' ? value.value : Math.trunc(value.value));
    }
    if (value?.kind === 'str' && spec === 's') {
      return value.value;
    }
    failed = true;
    return '';
  });
  return failed || index !== values.length || /%[^%dis]/.test(format) ? undefined : str(out);
}

export function builtinName(name: string): Value | undefined {
  if (name === '__name__') {
    // The file is analysed as the script being run: `if __name__ == "__main__":` holds.
    return str('__main__');
  }
  return [
    'range',
    'len',
    'int',
    'float',
    'round',
    'abs',
    'min',
    'max',
    'list',
    'tuple',
    'enumerate',
    'zip',
    'reversed',
    'str',
    'print',
    'isinstance',
    'hasattr',
    'super',
  ].includes(name)
    ? sym(name)
    : undefined;
}

/** One comparison when both sides resolve, else undefined. */
export function compare(op: string, a: Value, b: Value): boolean | undefined {
  const x = asNumber(a);
  const y = asNumber(b);
  const known = (v: Value) => v.kind !== 'sym' && v.kind !== 'tensor';
  if (op === 'is' || op === 'is not') {
    if ((a.kind === 'none' || b.kind === 'none') && known(a) && known(b)) {
      return op === 'is' ? a.kind === b.kind : a.kind !== b.kind;
    }
    return undefined;
  }
  if (x !== undefined && y !== undefined) {
    switch (op) {
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      case '>=':
        return x >= y;
      case '==':
        return x === y;
      case '!=':
        return x !== y;
    }
  }
  if (a.kind === 'str' && b.kind === 'str') {
    if (op === '==' || op === '!=') {
      return (a.value === b.value) === (op === '==');
    }
    if (op === 'in' || op === 'not in') {
      return b.value.includes(a.value) === (op === 'in');
    }
  }
  if (
    (op === 'in' || op === 'not in') &&
    b.kind === 'seq' &&
    (a.kind === 'str' || a.kind === 'num') &&
    b.items.every((item) => item.kind === 'str' || item.kind === 'num')
  ) {
    const found = b.items.some((item) => item.kind === a.kind && (item as { value: unknown }).value === a.value);
    return found === (op === 'in');
  }
  if (
    a.kind === 'seq' &&
    b.kind === 'seq' &&
    (op === '==' || op === '!=') &&
    [...a.items, ...b.items].every((item) => item.kind === 'num' || item.kind === 'str')
  ) {
    const same = a.items.length === b.items.length && a.items.every((item, i) => JSON.stringify(item) === JSON.stringify(b.items[i]));
    return same === (op === '==');
  }
  if ((op === '==' || op === '!=') && known(a) && known(b) && (a.kind === 'none') !== (b.kind === 'none')) {
    return op === '!=';
  }
  return undefined;
}

export function describe(value: Value): string {
  switch (value.kind) {
    case 'num':
      return String(value.value);
    case 'str':
      return JSON.stringify(value.value);
    case 'sym':
      return value.text;
    default:
      return value.kind;
  }
}

export function unescape(text: string): string {
  return text.replace(/\\(["'\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** `copy.deepcopy` of the containers the interpreter builds; other values are immutable here or shared objects. */
function deepCopy(value: Value): Value {
  if (value.kind === 'dict') {
    return { kind: 'dict', entries: new Map([...value.entries].map(([key, item]) => [key, deepCopy(item)])) };
  }
  if (value.kind === 'seq') {
    return seq(value.items.map(deepCopy), value.tuple);
  }
  return value;
}
