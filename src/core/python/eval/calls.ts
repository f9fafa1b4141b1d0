/**
 * Calling values: local functions and bound methods, `functools.partial` (of functions, classes,
 * partials), classes (instances with `__init__`, dataclass and NamedTuple constructors), instances
 * with `__call__`, builtins, and host values through the framework.
 */
import type { PyNode } from '../ast';
import { findInClass, hasForeignBase } from './attributes';
import { callBuiltin } from './builtins';
import type { Context, Evaluator, Kwargs } from './contracts';
import { callFunction } from './functions';
import { sym, type PyClass, type Value, type ValueOf } from './values';

/** `callee(*args, **kwargs)`. */
export function callValue<H>(ev: Evaluator<H>, callee: Value<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  switch (callee.kind) {
    case 'func':
      return callFunction(ev, callee.fn, args, kwargs, node, ctx);
    case 'method':
      if (callee.fn.kind === 'func') {
        return callFunction(ev, callee.fn.fn, [callee.self, ...args], kwargs, node, ctx, callee.self.kind === 'object' ? callee.self : undefined);
      }
      return ev.call(callee.fn, [callee.self, ...args], kwargs, node, ctx);
    case 'partial': {
      const merged = new Map(callee.kwargs);
      for (const [key, value] of kwargs) {
        merged.set(key, value);
      }
      return ev.call(callee.fn, [...callee.args, ...args], merged, node, ctx);
    }
    case 'class':
      return instantiate(ev, callee.cls, args, kwargs, node, ctx);
    case 'object':
      return callInstance(ev, callee, args, kwargs, node, ctx);
    case 'builtin':
      return callBuiltin(ev, callee, args, kwargs, node, ctx);
    case 'host':
      return ev.host.call(callee.host, args, kwargs, { node, ctx, ev });
    case 'ns':
      ev.note(`${callee.path} is not known: its call is a symbol`);
      return ev.host.callUnknown?.(callee, args, kwargs, { node, ctx, ev }) ?? sym(ev.text(node));
    case 'sym':
      return ev.host.callUnknown?.(callee, args, kwargs, { node, ctx, ev }) ?? sym(ev.text(node));
    default:
      ev.note(`line ${node.range.start.line + 1}: ${ev.show(callee)} is not callable: ${ev.text(node)} is a symbol`);
      return sym(ev.text(node));
  }
}

function callInstance<H>(ev: Evaluator<H>, instance: ValueOf<H, 'object'>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (hasForeignBase(instance.cls)) {
    const hosted = ev.host.callInstance?.(instance, args, kwargs, { node, ctx, ev });
    if (hosted) {
      return hosted;
    }
  }
  return ev.callMethod(instance, '__call__', args, kwargs, node, ctx) ?? sym(ev.text(node));
}

/** Calls `self.<name>(...)` found through the class (undefined when the class has no such method). */
export function callMethod<H>(
  ev: Evaluator<H>,
  self: Value<H>,
  name: string,
  args: Value<H>[],
  kwargs: Kwargs<H>,
  node: PyNode,
  ctx: Context<H>,
): Value<H> | undefined {
  if (self.kind !== 'object') {
    return undefined;
  }
  const found = findInClass(self.cls, name);
  if (found?.value.kind !== 'func') {
    return found ? ev.call(found.value, args, kwargs, node, ctx) : undefined;
  }
  const fn = found.value.fn;
  return fn.binding === 'static' ? callFunction(ev, fn, args, kwargs, node, ctx) : callFunction(ev, fn, [self, ...args], kwargs, node, ctx, self);
}

/** Creates an instance of a local class and runs its constructor. */
export function instantiate<H>(ev: Evaluator<H>, cls: PyClass<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  if (++ev.budget.instances > ev.budget.limits.instances) {
    ev.note(`more than ${ev.budget.limits.instances} instances were made: ${cls.name}(…) is a symbol`);
    return sym(ev.text(node));
  }
  const instance: ValueOf<H, 'object'> = { kind: 'object', cls, attrs: new Map() };
  if (hasForeignBase(cls)) {
    const replaced = ev.host.initInstance?.(instance, { node, ctx, ev }, args, kwargs);
    if (replaced) {
      return replaced;
    }
  }
  const init = findInClass(cls, '__init__');
  // With no local `__init__`, a framework base's constructor takes the arguments (`MaskedConv(3, 8, 3)`).
  const hostInit = init || !hasForeignBase(cls) ? undefined : ev.host.instanceAttribute?.(instance, '__init__', { node, ctx, ev });
  if (init) {
    ev.call(init.value.kind === 'func' ? { kind: 'method', fn: init.value, self: instance } : init.value, args, kwargs, node, ctx);
  } else if (hostInit) {
    ev.call(hostInit, args, kwargs, node, ctx);
  } else {
    const fields = cls.mro.find((c) => c.fields)?.fields;
    if (fields) {
      initFields(ev, cls, instance, fields, args, kwargs, node, ctx);
    }
  }
  const post = findInClass(cls, '__post_init__');
  if (post && cls.mro.some((c) => c.fields)) {
    ev.callMethod(instance, '__post_init__', [], new Map(), node, ctx);
  }
  return instance;
}

/** The generated constructor of a dataclass or NamedTuple: fields from arguments, defaults or factories. */
function initFields<H>(
  ev: Evaluator<H>,
  cls: PyClass<H>,
  instance: ValueOf<H, 'object'>,
  fields: NonNullable<PyClass<H>['fields']>,
  args: Value<H>[],
  kwargs: Kwargs<H>,
  node: PyNode,
  ctx: Context<H>,
): void {
  fields.forEach((field, i) => {
    let value = i < args.length ? args[i] : kwargs.get(field.name);
    if (value === undefined && field.factory) {
      value = ev.call(field.factory, [], new Map(), node, ctx);
    }
    value ??= field.default;
    if (value === undefined) {
      ev.note(`${cls.name}() is called without its field ${field.name}: it is a symbol`);
      value = sym(field.name);
    }
    instance.attrs.set(field.name, value);
  });
  if (args.length > fields.length) {
    ev.note(`${cls.name}() got ${args.length - fields.length} positional arguments too many`);
  }
}
