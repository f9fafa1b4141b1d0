/**
 * Python builtins the model code uses to build layers: range, len, enumerate, zip, reversed,
 * min/max/sum, int/float, tuple/list, getattr. Anything else is a symbol.
 */
import type { PyNode } from '../../python/ast';
import { iterate } from './expressions';
import type { Machine } from './interpreter';
import { num, sym, type Value } from './values';

/** Positional and keyword arguments of a call. */
export type Args = { positional: Value[]; keywords: Map<string, Value> };

export function builtin(name: string, args: Args, node: PyNode, machine: Machine, attribute: (object: Value, name: string, node: PyNode) => Value): Value {
  const [a, b, c] = args.positional;
  switch (name) {
    case 'range': {
      const numbers = args.positional.map((v) => (v.kind === 'num' && Number.isInteger(v.value) ? v.value : undefined));
      if (numbers.length === 0 || numbers.some((n) => n === undefined)) {
        return { kind: 'tuple', items: [sym(machine.text(node))], star: true };
      }
      const [start, stop, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
      if (step === 0 || Math.abs((stop - start) / step) > 256) {
        return { kind: 'tuple', items: [sym(machine.text(node))], star: true };
      }
      const items: Value[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
        items.push(num(i));
      }
      return { kind: 'tuple', items };
    }
    case 'len':
      return a?.kind === 'tuple' && !a.star ? num(a.items.length) : sym(machine.text(node));
    case 'int':
      return a?.kind === 'num' ? num(Math.trunc(a.value)) : sym(machine.text(node));
    case 'float':
      return a?.kind === 'num' ? a : sym(machine.text(node));
    case 'tuple':
    case 'list': {
      if (!a) {
        return { kind: 'tuple', items: [] };
      }
      const items = iterate(a);
      return items ? { kind: 'tuple', items } : a.kind === 'tuple' ? a : sym(machine.text(node));
    }
    case 'enumerate': {
      const items = a ? iterate(a) : undefined;
      return items
        ? { kind: 'tuple', items: items.map((item, i) => ({ kind: 'tuple', items: [num(i), item] }) as Value) }
        : { kind: 'tuple', items: [sym('enumerate')], star: true };
    }
    case 'zip': {
      const lists = args.positional.map(iterate);
      if (lists.some((l) => !l)) {
        return { kind: 'tuple', items: [sym('zip')], star: true };
      }
      const length = Math.min(...lists.map((l) => l!.length));
      return { kind: 'tuple', items: Array.from({ length }, (_, i) => ({ kind: 'tuple', items: lists.map((l) => l![i]!) }) as Value) };
    }
    case 'reversed': {
      const items = a ? iterate(a) : undefined;
      return items ? { kind: 'tuple', items: [...items].reverse() } : sym(machine.text(node));
    }
    case 'min':
    case 'max':
    case 'sum': {
      const items = args.positional.length === 1 && a?.kind === 'tuple' ? iterate(a) : args.positional;
      const numbers = items?.map((v) => (v.kind === 'num' ? v.value : NaN)) ?? [NaN];
      if (numbers.some(Number.isNaN) || numbers.length === 0) {
        return sym(machine.text(node));
      }
      return num(name === 'min' ? Math.min(...numbers) : name === 'max' ? Math.max(...numbers) : numbers.reduce((s, n) => s + n, 0));
    }
    case 'getattr':
      return a && b?.kind === 'str' ? attribute(a, b.value, node) : (c ?? sym(machine.text(node)));
    case 'super':
    case 'print':
    case 'isinstance':
    default:
      return sym(machine.text(node));
  }
}
