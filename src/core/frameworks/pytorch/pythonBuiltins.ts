/**
 * Python builtins (`range`, `len`, `isinstance`, `getattr`, `partial`, `OrderedDict`, …) and the methods
 * of lists, dicts and strings, evaluated where their arguments are static.
 */
import type { PyNode } from '../../python/ast';
import { torchClassChain } from './catalog';
import { directChildren } from './moduleMethods';
import type { Context, Interpreter } from './interpreter';

type Builtin = Extract<Value, { kind: 'builtin' }>;

/** Loops longer than this are not unrolled. */
const MAX_RANGE = 256;
import { asNumber, list, NONE, num, str, sym, valueText, type ModuleInst, type Value } from './values';

export function callPythonBuiltin(interp: Interpreter, callee: Builtin, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
  const a = args[0];
  switch (callee.name) {
    case 'range': {
      const numbers = args.map(asNumber);
      if (numbers.every((n): n is number => n !== undefined) && numbers.length > 0) {
        const [start, stop, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
        const count = step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
        if (count > MAX_RANGE) {
          // Too long to unroll: treated like a count that is not static (names get `*`).
          interp.notes.add(`line ${node.range.start.line + 1}: range of ${count} items is treated as a loop of unknown length`);
          return list([sym('*')], false, true);
        }
        return list(Array.from({ length: count }, (_, i) => num(start + i * step)));
      }
      return list([sym('*')], false, true);
    }
    case 'len':
      if (a?.kind === 'list' && !a.symbolicCount) {
        return num(a.items.length);
      }
      if (a?.kind === 'str') {
        return num(a.value.length);
      }
      if (a?.kind === 'dict') {
        return num(a.entries.size);
      }
      if (a?.kind === 'module' && !a.module.children.has('*')) {
        return num(directChildren(a.module).length);
      }
      return sym(interp.text(node));
    case 'int': {
      const n = asNumber(a);
      if (n !== undefined) {
        return num(Math.trunc(n));
      }
      return a?.kind === 'str' && /^-?\d+$/.test(a.value) ? num(Number(a.value)) : sym(interp.text(node));
    }
    case 'float': {
      const n = asNumber(a);
      return n !== undefined ? num(n) : a?.kind === 'str' && Number.isFinite(Number(a.value)) ? num(Number(a.value)) : sym(interp.text(node));
    }
    case 'bool': {
      return a ? ({ kind: 'bool', value: asNumber(a) !== 0 } as Value) : { kind: 'bool', value: false };
    }
    case 'str':
      return a && (a.kind === 'num' || a.kind === 'str') ? str(String(a.value)) : sym(interp.text(node));
    case 'min':
    case 'max':
    case 'sum': {
      const items = args.length === 1 && a?.kind === 'list' ? a.items : args;
      const numbers = items.map(asNumber);
      if (numbers.length > 0 && numbers.every((n): n is number => n !== undefined)) {
        return num(callee.name === 'min' ? Math.min(...numbers) : callee.name === 'max' ? Math.max(...numbers) : numbers.reduce((x, y) => x + y, 0));
      }
      return sym(interp.text(node));
    }
    case 'abs': {
      const n = asNumber(a);
      return n === undefined ? sym(interp.text(node)) : num(Math.abs(n));
    }
    case 'round': {
      const n = asNumber(a);
      const digits = asNumber(args[1]) ?? 0;
      return n === undefined ? sym(interp.text(node)) : num(Math.round(n * 10 ** digits) / 10 ** digits);
    }
    case 'pow': {
      const x = asNumber(a);
      const y = asNumber(args[1]);
      return x === undefined || y === undefined ? sym(interp.text(node)) : num(x ** y);
    }
    case 'list':
    case 'tuple':
    case 'sorted':
    case 'reversed': {
      if (!a) {
        return list([], callee.name === 'tuple');
      }
      const { items, symbolic } = interp.iterate(a, ctx);
      if (!items) {
        return sym(interp.text(node));
      }
      const copy = [...items];
      if (callee.name === 'reversed') {
        copy.reverse();
      }
      return list(copy, callee.name === 'tuple', symbolic);
    }
    case 'dict':
      return { kind: 'dict', entries: new Map([...(a?.kind === 'dict' ? a.entries : []), ...kwargs]) };
    case 'OrderedDict': {
      if (a?.kind === 'list') {
        const entries = new Map<string, Value>();
        for (const pair of a.items) {
          if (pair.kind === 'list' && pair.items[0]?.kind === 'str' && pair.items[1]) {
            entries.set(pair.items[0].value, pair.items[1]);
          }
        }
        return { kind: 'dict', entries };
      }
      return { kind: 'dict', entries: a?.kind === 'dict' ? new Map(a.entries) : new Map() };
    }
    case 'enumerate': {
      if (!a) {
        return sym(interp.text(node));
      }
      const { items, symbolic } = interp.iterate(a, ctx);
      if (!items) {
        return sym(interp.text(node));
      }
      const start = asNumber(args[1] ?? kwargs.get('start')) ?? 0;
      return list(
        items.map((item, i) => list([symbolic ? sym('*') : num(start + i), item], true)),
        false,
        symbolic,
      );
    }
    case 'zip': {
      const iterated = args.map((arg) => interp.iterate(arg, ctx));
      const known = iterated.filter((it) => it.items && !it.symbolic);
      if (known.length === 0) {
        return sym(interp.text(node));
      }
      // zip stops at the shortest: the known lengths bound it; unknown sequences give symbols.
      const length = Math.min(...known.map((it) => it.items!.length));
      return list(
        Array.from({ length }, (_, i) =>
          list(
            iterated.map((it, k) => (it.items && !it.symbolic ? it.items[i]! : sym(`${valueText(args[k]!)}[${i}]`))),
            true,
          ),
        ),
        false,
        false,
      );
    }
    case 'isinstance':
      return isInstance(interp, a, args[1]);
    case 'issubclass':
      return sym(interp.text(node));
    case 'hasattr': {
      const nameValue = args[1];
      if (a?.kind === 'module' && nameValue?.kind === 'str') {
        const m = a.module;
        const has = m.params.has(nameValue.value) || m.children.has(nameValue.value) || m.attrs.has(nameValue.value) || nameValue.value in m.config;
        return { kind: 'bool', value: has };
      }
      return sym(interp.text(node));
    }
    case 'getattr': {
      const nameValue = args[1];
      if (a && nameValue?.kind === 'str') {
        const value = interp.getAttribute(a, nameValue.value, node, ctx);
        if (value.kind === 'sym' && args[2]) {
          return args[2];
        }
        return value;
      }
      return args[2] ?? sym(interp.text(node));
    }
    case 'setattr': {
      const nameValue = args[1];
      if (a && nameValue?.kind === 'str' && args[2]) {
        interp.setAttribute(a, nameValue.value, args[2], node, ctx);
      }
      return NONE;
    }
    case 'type':
      if (a?.kind === 'module') {
        return a.module.localClass ? { kind: 'localClass', cls: a.module.localClass } : { kind: 'torchClass', name: a.module.className };
      }
      return sym(interp.text(node));
    case 'super':
      return { kind: 'builtin', name: 'super', self: ctx.self };
    case 'partial': {
      const target = a;
      const rest = args.slice(1);
      if (target?.kind === 'torchClass' || target?.kind === 'localClass') {
        return { ...target, bound: { args: rest, kwargs: new Map(kwargs) } };
      }
      return sym(interp.text(node));
    }
    case 'cast':
      return args[1] ?? NONE;
    case 'namedtuple':
      // A namedtuple class: instances hold their fields like a tuple.
      return { kind: 'builtin', name: 'tupleOf' };
    case 'tupleOf':
      return list([...args, ...kwargs.values()], true);
    case 'print':
    case 'iter':
    case 'next':
    case 'map':
    case 'filter':
    case 'any':
    case 'all':
    case 'set':
    case 'divmod':
      return callee.name === 'print' ? NONE : sym(interp.text(node));
    default:
      return sym(interp.text(node));
  }
}

/** `isinstance(m, cls)` for modules of torch classes and local subclasses. */
export function isInstance(interp: Interpreter, value: Value | undefined, classes: Value | undefined): Value {
  if (!value || !classes) {
    return sym('isinstance');
  }
  const candidates = classes.kind === 'list' ? classes.items : [classes];
  if (value.kind === 'module') {
    const chain = moduleClassChain(interp, value.module);
    for (const candidate of candidates) {
      if (candidate.kind === 'torchClass' && chain.torch.includes(candidate.name)) {
        return { kind: 'bool', value: true };
      }
      if (candidate.kind === 'localClass' && chain.local.includes(candidate.cls.name)) {
        return { kind: 'bool', value: true };
      }
      if (candidate.kind === 'sym') {
        return sym('isinstance');
      }
    }
    return { kind: 'bool', value: false };
  }
  if (value.kind === 'param') {
    return { kind: 'bool', value: candidates.some((c) => c.kind === 'torchClass' && c.name === 'Parameter') };
  }
  if (value.kind === 'num' || value.kind === 'str' || value.kind === 'bool' || value.kind === 'none' || value.kind === 'list' || value.kind === 'dict') {
    return { kind: 'bool', value: false };
  }
  return sym('isinstance');
}

export function moduleClassChain(interp: Interpreter, module: ModuleInst): { torch: string[]; local: string[] } {
  const local: string[] = [];
  for (let cls = module.localClass; cls; cls = interp.localBase(cls)) {
    local.push(cls.name);
  }
  const torch = module.torchClass ? torchClassChain(module.torchClass) : ['Module'];
  return { torch, local };
}

export function callListMethod(self: Extract<Value, { kind: 'list' }>, method: string, args: Value[], ctx: Context): Value {
  switch (method) {
    case 'append':
      if (args[0]) {
        self.items.push(args[0]);
        if (ctx.symbolicLoop) {
          self.symbolicCount = true;
        }
      }
      return NONE;
    case 'extend':
      if (args[0]?.kind === 'list') {
        self.items.push(...args[0].items);
        self.symbolicCount ||= args[0].symbolicCount || ctx.symbolicLoop === true;
      }
      return NONE;
    case 'insert': {
      const index = asNumber(args[0]);
      if (index !== undefined && args[1]) {
        self.items.splice(index, 0, args[1]);
      }
      return NONE;
    }
    case 'pop':
      return self.items.pop() ?? NONE;
    case 'copy':
      return list([...self.items], self.tuple, self.symbolicCount);
    case 'index':
    case 'count':
      return sym(method);
    default:
      return sym(method);
  }
}

export function callDictMethod(self: Extract<Value, { kind: 'dict' }>, method: string, args: Value[]): Value {
  switch (method) {
    case 'items':
      return list([...self.entries.entries()].map(([k, v]) => list([str(k), v], true)));
    case 'keys':
      return list([...self.entries.keys()].map((k) => str(k)));
    case 'values':
      return list([...self.entries.values()]);
    case 'get': {
      const key = args[0];
      return key && (key.kind === 'str' || key.kind === 'num') ? (self.entries.get(String(key.value)) ?? args[1] ?? NONE) : sym('get');
    }
    case 'pop': {
      const key = args[0];
      if (key && (key.kind === 'str' || key.kind === 'num')) {
        const value = self.entries.get(String(key.value));
        self.entries.delete(String(key.value));
        return value ?? args[1] ?? NONE;
      }
      return sym('pop');
    }
    case 'update':
      if (args[0]?.kind === 'dict') {
        for (const [k, v] of args[0].entries) {
          self.entries.set(k, v);
        }
      }
      return NONE;
    case 'setdefault': {
      const key = args[0];
      if (key && key.kind === 'str') {
        if (!self.entries.has(key.value)) {
          self.entries.set(key.value, args[1] ?? NONE);
        }
        return self.entries.get(key.value)!;
      }
      return sym('setdefault');
    }
    default:
      return sym(method);
  }
}

export /** `'{}_{}'.format(a, b)` and `'{0}'`: symbolic arguments become `*` (as in layer names over unknown loops). */
function formatBraces(template: string, args: Value[]): string {
  let next = 0;
  return template.replace(/\{(\d*)(?::[^}]*)?\}/g, (_, index: string) => pieceOf(args[index === '' ? next++ : Number(index)]));
}

/** `'layer%d' % i`: symbolic arguments become `*`. */
export function percentFormat(template: string, operand: Value): string {
  const args = operand.kind === 'list' && operand.tuple ? operand.items : [operand];
  let next = 0;
  return template.replace(/%(?:\([^)]*\))?[-+ #0]*\d*(?:\.\d+)?([sdirfgx%])/g, (_whole, kind: string) => (kind === '%' ? '%' : pieceOf(args[next++])));
}

function pieceOf(value: Value | undefined): string {
  if (!value) {
    return '*';
  }
  if (value.kind === 'num' || value.kind === 'str') {
    return String(value.value);
  }
  return value.kind === 'bool' ? (value.value ? 'True' : 'False') : '*';
}

export function callStrMethod(value: string, method: string, args: Value[], interp: Interpreter, node: PyNode): Value {
  const a = args[0];
  const argString = a?.kind === 'str' ? a.value : undefined;
  const tupleStrings = a?.kind === 'list' && a.items.every((i) => i.kind === 'str') ? a.items.map((i) => (i as { value: string }).value) : undefined;
  switch (method) {
    case 'endswith':
      if (tupleStrings) {
        return { kind: 'bool', value: tupleStrings.some((s) => value.endsWith(s)) };
      }
      return argString === undefined ? sym(interp.text(node)) : { kind: 'bool', value: value.endsWith(argString) };
    case 'startswith':
      if (tupleStrings) {
        return { kind: 'bool', value: tupleStrings.some((s) => value.startsWith(s)) };
      }
      return argString === undefined ? sym(interp.text(node)) : { kind: 'bool', value: value.startsWith(argString) };
    case 'find':
      return argString === undefined ? sym(interp.text(node)) : num(value.indexOf(argString));
    case 'rfind':
      return argString === undefined ? sym(interp.text(node)) : num(value.lastIndexOf(argString));
    case 'count':
      return argString === undefined ? sym(interp.text(node)) : num(value.split(argString).length - 1);
    case 'split':
      return list((argString === undefined ? value.split(/\s+/) : value.split(argString)).map((s) => str(s)));
    case 'rsplit':
      return list((argString === undefined ? value.split(/\s+/) : value.split(argString)).map((s) => str(s)));
    case 'replace':
      return argString !== undefined && args[1]?.kind === 'str' ? str(value.split(argString).join(args[1].value)) : sym(interp.text(node));
    case 'lower':
      return str(value.toLowerCase());
    case 'upper':
      return str(value.toUpperCase());
    case 'strip':
      return str(value.trim());
    case 'join':
      return a?.kind === 'list' && a.items.every((i) => i.kind === 'str')
        ? str(a.items.map((i) => (i as { value: string }).value).join(value))
        : sym(interp.text(node));
    case 'format':
      return str(formatBraces(value, args));
    default:
      return sym(interp.text(node));
  }
}
