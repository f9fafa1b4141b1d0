/** Subscripts and slices of values: `xs[-1]`, `xs[1:3]`, `d[key]`, `range(8)[::2]`; hosts go to the framework. */
import type { PyNode } from '../ast';
import type { Context, Evaluator } from './contracts';
import { asInt, keyOf, list, rangeLength, sym, type Value } from './values';

/** `object[key]`. */
export function subscriptOf<H>(ev: Evaluator<H>, object: Value<H>, key: Value<H>, node: PyNode, ctx: Context<H>): Value<H> {
  switch (object.kind) {
    case 'list':
    case 'str':
    case 'bytes':
    case 'range': {
      const items = object.kind === 'list' ? object.items : undefined;
      const length = object.kind === 'list' ? object.items.length : object.kind === 'range' ? rangeLength(object) : object.value.length;
      if (object.kind === 'list' && object.symbolicCount) {
        return key.kind === 'slice' ? object : (object.items[0] ?? sym(ev.text(node)));
      }
      if (key.kind === 'slice') {
        const indices = sliceIndices(key, length);
        if (!indices) {
          return sym(ev.text(node));
        }
        if (object.kind === 'str' || object.kind === 'bytes') {
          let text = '';
          for (const i of indices) {
            text += object.value[i];
          }
          return { kind: object.kind, value: text };
        }
        if (object.kind === 'range') {
          return list(indices.map((i) => ({ kind: 'num', value: object.start + i * object.step, float: false })));
        }
        return list(
          indices.map((i) => items![i]!),
          object.tuple,
        );
      }
      const index = asInt(key);
      if (index === undefined) {
        return sym(ev.text(node));
      }
      const at = index < 0 ? length + index : index;
      if (at < 0 || at >= length) {
        ev.note(`line ${node.range.start.line + 1}: ${ev.text(node)} is out of range: it is a symbol`);
        return sym(ev.text(node));
      }
      if (object.kind === 'range') {
        return { kind: 'num', value: object.start + at * object.step, float: false };
      }
      return object.kind === 'list' ? items![at]! : { kind: object.kind, value: object.value[at]! };
    }
    case 'dict': {
      const hashed = keyOf(key);
      const entry = hashed === undefined ? undefined : object.entries.get(hashed);
      if (entry) {
        return entry.value;
      }
      if (hashed !== undefined) {
        ev.note(`line ${node.range.start.line + 1}: the key ${ev.show(key)} is not in the dict: ${ev.text(node)} is a symbol`);
      }
      return sym(ev.text(node));
    }
    case 'host':
      return ev.host.subscript?.(object.host, key, { node, ctx, ev }) ?? sym(ev.text(node));
    case 'object':
      return ev.callMethod(object, '__getitem__', [key], new Map(), node, ctx) ?? sym(ev.text(node));
    default:
      return sym(ev.text(node));
  }
}

/** The indices a slice selects from a sequence of `length` items, or undefined when not static. */
function sliceIndices<H>(slice: Extract<Value<H>, { kind: 'slice' }>, length: number): number[] | undefined {
  const step = slice.step.kind === 'none' ? 1 : asInt(slice.step);
  if (step === undefined || step === 0) {
    return undefined;
  }
  const bound = (value: Value<H>, fallback: number): number | undefined => {
    if (value.kind === 'none') {
      return fallback;
    }
    const n = asInt(value);
    if (n === undefined) {
      return undefined;
    }
    const at = n < 0 ? n + length : n;
    return step > 0 ? Math.min(Math.max(at, 0), length) : Math.min(Math.max(at, -1), length - 1);
  };
  const start = bound(slice.start, step > 0 ? 0 : length - 1);
  const stop = bound(slice.stop, step > 0 ? length : -1);
  if (start === undefined || stop === undefined) {
    return undefined;
  }
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
  }
  return out;
}
