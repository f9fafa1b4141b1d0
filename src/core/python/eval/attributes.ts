/**
 * Attribute access: instance attributes, then the class's MRO (methods bind to the instance,
 * `@staticmethod`/`@classmethod`/`@property` as in Python), `super()`, namespaces (qualified names
 * resolved through the import table), host values through the framework, and the methods of
 * strings, lists and dicts.
 */
import type { PyNode } from '../ast';
import type { Context, Evaluator } from './contracts';
import { callFunction } from './functions';
import { resolveQualified } from './imports';
import { instanceDict } from './instanceDict';
import { ndarrayAttribute } from './numpyScalars';
import { sym, type PyClass, type Value, type ValueOf } from './values';

/** The attribute of a class found along its MRO, from `start` on. */
export function findInClass<H>(cls: PyClass<H>, name: string, start = 0): { value: Value<H>; owner: PyClass<H> } | undefined {
  for (let i = start; i < cls.mro.length; i++) {
    const owner = cls.mro[i]!;
    const value = owner.attrs.get(name);
    if (value !== undefined) {
      return { value, owner };
    }
  }
  return undefined;
}

/** A class attribute read through an instance (or a class, `self` the class): functions bind. */
function bind<H>(ev: Evaluator<H>, value: Value<H>, self: Value<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (value.kind !== 'func') {
    return value;
  }
  switch (value.fn.binding) {
    case 'static':
      return value;
    case 'class':
      return { kind: 'method', fn: value, self: self.kind === 'object' ? { kind: 'class', cls: self.cls } : self };
    case 'property':
      return callFunction(ev, value.fn, [self], new Map(), node, ctx, self);
    default:
      return self.kind === 'object' ? { kind: 'method', fn: value, self } : value;
  }
}

/** True when a local class derives from something that is not a local class (a framework base). */
export function hasForeignBase<H>(cls: PyClass<H>): boolean {
  return cls.mro.some((c) => c.foreignBases.length > 0);
}

/** `object.name`. */
export function getAttribute<H>(ev: Evaluator<H>, object: Value<H>, name: string, node: PyNode, ctx: Context<H>): Value<H> {
  switch (object.kind) {
    case 'object':
      return instanceAttribute(ev, object, name, node, ctx);
    case 'class': {
      const found = findInClass(object.cls, name);
      if (found) {
        return bind(ev, found.value, object, node, ctx);
      }
      if (name === '__name__') {
        return { kind: 'str', value: object.cls.name };
      }
      break;
    }
    case 'super': {
      const start = object.self.kind === 'object' ? object.self.cls.mro.indexOf(object.cls) + 1 : 0;
      const owner = object.self.kind === 'object' ? object.self.cls : object.cls;
      const found = start > 0 ? findInClass(owner, name, start) : undefined;
      if (found) {
        return bind(ev, found.value, object.self, node, ctx);
      }
      if (object.self.kind === 'object' && hasForeignBase(owner)) {
        const hosted = ev.host.instanceAttribute?.(object.self, name, { node, ctx, ev });
        if (hosted) {
          return hosted;
        }
      }
      // `super().__init__(...)` reaching `object` or a framework base does nothing more here.
      return { kind: 'builtin', name: 'object.method' };
    }
    case 'ns': {
      const own = object.attrs?.get(name);
      if (own) {
        return own;
      }
      const qualified = `${object.path}.${name}`;
      return resolveQualified(ev, qualified) ?? { kind: 'ns', path: qualified };
    }
    case 'host':
      return ev.host.getAttribute(object.host, name, { node, ctx, ev }) ?? sym(`${ev.show(object)}.${name}`);
    case 'func':
      if (name === '__name__') {
        return { kind: 'str', value: object.fn.name };
      }
      break;
    case 'str':
    case 'list':
    case 'dict':
    case 'set':
    case 'bytes':
      return { kind: 'builtin', name: `${object.kind === 'list' && object.tuple ? 'tuple' : object.kind}.${name}`, self: object };
    case 'num':
      if (name === 'real') {
        return object;
      }
      if (name === 'imag') {
        return { kind: 'num', value: 0, float: object.float };
      }
      return { kind: 'builtin', name: `num.${name}`, self: object };
    case 'sym':
      return sym(`${object.text}.${name}`);
    case 'builtin': {
      const arrayAttribute = ndarrayAttribute(object, name);
      if (arrayAttribute) {
        return arrayAttribute;
      }
      break;
    }
    default:
      break;
  }
  ev.note(`line ${node.range.start.line + 1}: ${ev.show(object)} has no attribute ${name} that is known: it is a symbol`);
  return sym(`${ev.show(object)}.${name}`);
}

function instanceAttribute<H>(ev: Evaluator<H>, object: ValueOf<H, 'object'>, name: string, node: PyNode, ctx: Context<H>): Value<H> {
  const own = object.attrs.get(name);
  if (own !== undefined) {
    return own;
  }
  const found = findInClass(object.cls, name);
  if (found) {
    return bind(ev, found.value, object, node, ctx);
  }
  if (hasForeignBase(object.cls)) {
    const hosted = ev.host.instanceAttribute?.(object, name, { node, ctx, ev });
    if (hosted) {
      return hosted;
    }
    // What a framework base provides and the framework does not model is unknown, not an error.
    return sym(`${ev.show(object)}.${name}`);
  }
  if (name === '__class__') {
    return { kind: 'class', cls: object.cls };
  }
  if (name === '__dict__') {
    return instanceDict(object);
  }
  ev.note(`line ${node.range.start.line + 1}: ${object.cls.name} instances have no attribute ${name} here: it is a symbol`);
  return sym(`${ev.show(object)}.${name}`);
}

/** `object.name = value`. */
export function setAttribute<H>(ev: Evaluator<H>, object: Value<H>, name: string, value: Value<H>, node: PyNode, ctx: Context<H>): void {
  switch (object.kind) {
    case 'object': {
      const property = findInClass(object.cls, name);
      if (property?.value.kind === 'func' && property.value.fn.binding === 'property') {
        ev.note(`line ${node.range.start.line + 1}: the property setter ${name} is not run`);
        return;
      }
      object.attrs.set(name, value);
      if (hasForeignBase(object.cls)) {
        ev.host.instanceAttributeSet?.(object, name, value, { node, ctx, ev });
      }
      return;
    }
    case 'class':
      object.cls.attrs.set(name, value);
      return;
    case 'host':
      if (ev.host.setAttribute?.(object.host, name, value, { node, ctx, ev })) {
        return;
      }
      break;
    case 'ns':
      (object.attrs ??= new Map()).set(name, value);
      return;
    default:
      break;
  }
  ev.note(`line ${node.range.start.line + 1}: the assignment to ${ev.show(object)}.${name} is not followed`);
}
