/** Methods of plain values: strings, lists, tuples, dicts and sets (`append`, `items`, `join`, `format` …). */
import type { PyNode } from '../ast';
import type { Context, Evaluator, Kwargs } from './contracts';
import { writeBackInstanceDict } from './instanceDict';
import { equals } from './operators';
import { formatSpec } from './strings';
import { asInt, keyOf, list, NONE, str, sym, type Value } from './values';

/** Calls `self.<method>(...)` where `name` is `<type>.<method>`; a symbol with a note when not modelled. */
export function callPlainMethod<H>(
  ev: Evaluator<H>,
  name: string,
  self: Value<H>,
  args: Value<H>[],
  kwargs: Kwargs<H>,
  node: PyNode,
  ctx: Context<H>,
): Value<H> {
  const method = name.slice(name.indexOf('.') + 1);
  const [a, b] = args;
  const result = self.kind === 'str' ? stringMethod(ev, method, self.value, args, kwargs, node, ctx) : undefined;
  if (result) {
    return result;
  }
  if (self.kind === 'list') {
    const items = self.items;
    // Growing a list in a loop of unknown length leaves its length unknown (undecided branches: see branches.ts).
    if (ctx.symbolicLoop && (method === 'append' || method === 'extend' || method === 'insert')) {
      self.symbolicCount = true;
    }
    switch (method) {
      case 'append':
        items.push(a ?? NONE);
        return NONE;
      case 'extend':
        if (a) {
          const iteration = ev.iterate(a, node, ctx);
          items.push(...iteration.items);
          self.symbolicCount ||= iteration.symbolic;
        }
        return NONE;
      case 'insert': {
        const at = asInt(a);
        if (at !== undefined && b) {
          items.splice(at < 0 ? Math.max(0, items.length + at) : at, 0, b);
          return NONE;
        }
        break;
      }
      case 'pop': {
        const at = a ? asInt(a) : -1;
        if (at !== undefined && items.length > 0 && !self.symbolicCount) {
          return items.splice(at < 0 ? items.length + at : at, 1)[0] ?? NONE;
        }
        break;
      }
      case 'index':
      case 'count': {
        const matches = items.map((item) => (a ? equals(item, a) : false));
        if (matches.some((m) => m === undefined) || self.symbolicCount) {
          break;
        }
        return ev.number(method === 'index' ? matches.indexOf(true) : matches.filter(Boolean).length, false, '');
      }
      case 'reverse':
        items.reverse();
        return NONE;
      case 'copy':
        return list([...items], self.tuple, self.symbolicCount);
      case 'clear':
        items.length = 0;
        return NONE;
      case 'remove': {
        const at = items.findIndex((item) => a && equals(item, a));
        if (at >= 0) {
          items.splice(at, 1);
          return NONE;
        }
        break;
      }
      case 'sort':
        return NONE;
      default:
        break;
    }
  }
  if (self.kind === 'dict' || self.kind === 'set') {
    const entries = self.entries;
    const key = a ? keyOf(a) : undefined;
    switch (method) {
      case 'items':
        return list([...entries.values()].map((e) => list([e.key, e.value], true)));
      case 'keys':
        return list([...entries.values()].map((e) => e.key));
      case 'values':
        return list([...entries.values()].map((e) => e.value));
      case 'get':
        if (key !== undefined) {
          return entries.get(key)?.value ?? b ?? NONE;
        }
        break;
      case 'pop':
        if (key !== undefined && (entries.has(key) || b)) {
          const value = entries.get(key)?.value ?? b!;
          entries.delete(key);
          writeBackInstanceDict(ev, self, node, ctx);
          return value;
        }
        break;
      case 'setdefault':
        if (key !== undefined) {
          if (!entries.has(key)) {
            entries.set(key, { key: a!, value: b ?? NONE });
            writeBackInstanceDict(ev, self, node, ctx);
          }
          return entries.get(key)!.value;
        }
        break;
      case 'add':
        if (key !== undefined) {
          entries.set(key, { key: a!, value: NONE });
          return NONE;
        }
        break;
      case 'update':
        if (!a || a.kind === 'dict') {
          for (const [k, e] of a?.kind === 'dict' ? a.entries : []) {
            entries.set(k, e);
          }
          for (const [k, value] of kwargs) {
            entries.set(`s${k}`, { key: str(k), value });
          }
          writeBackInstanceDict(ev, self, node, ctx);
          return NONE;
        }
        break;
      case 'copy':
        return { kind: self.kind, entries: new Map(entries) };
      case 'clear':
        entries.clear();
        writeBackInstanceDict(ev, self, node, ctx);
        return NONE;
      default:
        break;
    }
  }
  if (self.kind === 'num' && method === 'is_integer') {
    return { kind: 'bool', value: Number.isInteger(self.value) };
  }
  ev.note(`line ${node.range.start.line + 1}: the method ${name}() is not evaluated: ${ev.text(node)} is a symbol`);
  return sym(ev.text(node));
}

function stringMethod<H>(
  ev: Evaluator<H>,
  method: string,
  s: string,
  args: Value<H>[],
  kwargs: Kwargs<H>,
  node: PyNode,
  ctx: Context<H>,
): Value<H> | undefined {
  const [a, b] = args;
  const text = a?.kind === 'str' ? a.value : undefined;
  switch (method) {
    case 'join': {
      const iteration = a ? ev.iterate(a, node, ctx) : undefined;
      if (!iteration || iteration.symbolic || iteration.items.some((item) => item.kind !== 'str')) {
        return sym(ev.text(node));
      }
      return str(iteration.items.map((item) => (item as { value: string }).value).join(s));
    }
    case 'split': {
      const parts =
        text === undefined
          ? s
              .trim()
              .split(/\s+/)
              .filter((p) => p !== '')
          : s.split(text);
      return list(parts.map((p) => str<H>(p)));
    }
    case 'format': {
      const formatted = formatMethod(ev, s, args, kwargs);
      return formatted === undefined ? sym(ev.text(node)) : str(formatted);
    }
    case 'startswith':
    case 'endswith':
      return text === undefined ? undefined : { kind: 'bool', value: method === 'startswith' ? s.startsWith(text) : s.endsWith(text) };
    case 'replace':
      return text !== undefined && b?.kind === 'str' ? str(s.split(text).join(b.value)) : undefined;
    case 'lower':
      return str(s.toLowerCase());
    case 'upper':
      return str(s.toUpperCase());
    case 'strip':
      return text === undefined ? str(s.trim()) : undefined;
    case 'lstrip':
      return text === undefined ? str(s.trimStart()) : undefined;
    case 'rstrip':
      return text === undefined ? str(s.trimEnd()) : undefined;
    case 'capitalize':
      return str(s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());
    case 'find':
      return text === undefined ? undefined : ev.number(s.indexOf(text), false, '');
    case 'isdigit':
      return { kind: 'bool', value: s.length > 0 && [...s].every((c) => c >= '0' && c <= '9') };
    default:
      return undefined;
  }
}

/** `'{} {name:>4}'.format(...)`: positional, numbered and named fields with specs. */
function formatMethod<H>(ev: Evaluator<H>, template: string, args: Value<H>[], kwargs: Kwargs<H>): string | undefined {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      out += c;
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close < 0) {
      return undefined;
    }
    const field = template.slice(i + 1, close);
    const colon = field.indexOf(':');
    const name = colon < 0 ? field : field.slice(0, colon);
    const value = name === '' ? args[next++] : name >= '0' && name <= '9' ? args[Number(name)] : kwargs.get(name);
    if (!value || value.kind === 'sym' || value.kind === 'host') {
      return undefined;
    }
    const piece = formatSpec(value, colon < 0 ? '' : field.slice(colon + 1), ev.show);
    if (piece === undefined) {
      return undefined;
    }
    out += piece;
    i = close;
  }
  return out;
}
