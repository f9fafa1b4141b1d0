/**
 * Functions written in the analysed code: their parameters (read once), defaults evaluated at
 * definition, and the binding of call arguments to parameters (positional, keyword, keyword-only,
 * `*args`, `**kwargs`). Calling one runs its body in a fresh function scope over its closure.
 */
import type { PyNode } from '../ast';
import { Completion, type Context, type Evaluator, type Kwargs } from './contracts';
import { Scope } from './scope';
import { list, NONE, sym, type Param, type PyClass, type PyFunction, type Value } from './values';

/** Makes a function (or lambda) value from its definition in `scope`. */
export function makeFunction<H>(ev: Evaluator<H>, node: PyNode, name: string, scope: Scope<Value<H>>, ctx: Context<H>, ownerClass?: PyClass<H>): PyFunction<H> {
  const shape = ev.functionShape(node);
  const { params } = shape;
  const defaults = new Map<string, Value<H>>();
  for (const param of params) {
    if (param.defaultNode) {
      defaults.set(param.name, ev.evaluate(param.defaultNode, scope, ctx));
    }
  }
  return {
    name,
    node,
    params,
    defaults,
    scope: scope.closureOf(),
    ownerClass,
    binding: 'method',
    // Read when the function is first called: most definitions of a file never run.
    get isGenerator() {
      return shape.isGenerator;
    },
    decorators: [],
  };
}

/** What a definition says once for all its evaluations: parameters, and whether it is a generator. */
export interface FunctionShape {
  params: Param[];
  isGenerator: boolean;
}

/** Reads the shape of a `function_definition` or `lambda` (the evaluator memoizes it per node). */
export function readShape(ev: { text(node: PyNode): string }, node: PyNode): FunctionShape {
  let generator: boolean | undefined;
  return {
    params: readParams(ev, node.fields.parameters),
    // The body is walked for `yield` only when asked (at the first call), not at every definition.
    get isGenerator() {
      generator ??= node.type === 'function_definition' && containsYield(node.fields.body);
      return generator;
    },
  };
}

function readParams(ev: { text(node: PyNode): string }, node: PyNode | undefined): Param[] {
  const params: Param[] = [];
  let keywordOnly = false;
  for (const child of node?.children ?? []) {
    // `*args: Any` and `**kwargs: Any` are typed parameters around a splat pattern.
    const pattern = child.type === 'typed_parameter' && child.children[0]?.type.endsWith('splat_pattern') ? child.children[0] : child;
    const nameNode = pattern.type === 'identifier' ? pattern : (pattern.fields.name ?? pattern.children[0]);
    const name = nameNode ? ev.text(nameNode) : '';
    switch (pattern.type) {
      case 'positional_separator':
        for (const p of params) {
          p.positionalOnly = true;
        }
        break;
      case 'keyword_separator':
        keywordOnly = true;
        break;
      case 'list_splat_pattern':
        params.push({ name, kind: 'varargs', positionalOnly: false });
        keywordOnly = true;
        break;
      case 'dictionary_splat_pattern':
        params.push({ name, kind: 'varkw', positionalOnly: false });
        break;
      default:
        params.push({
          name: child.type === 'typed_parameter' ? ev.text(child.children[0]!) : name,
          kind: keywordOnly ? 'keyword' : 'positional',
          positionalOnly: false,
          defaultNode: child.fields.value,
        });
    }
  }
  return params;
}

/** True when a function body yields (not counting nested functions and classes). */
function containsYield(node: PyNode | undefined): boolean {
  if (!node) {
    return false;
  }
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'yield') {
      return true;
    }
    for (const child of current.children) {
      if (child.type !== 'function_definition' && child.type !== 'class_definition' && child.type !== 'lambda') {
        stack.push(child);
      }
    }
  }
  return false;
}

/** Binds call arguments to a function's parameters in `scope`; notes what does not fit. */
function bindArguments<H>(ev: Evaluator<H>, fn: PyFunction<H>, args: Value<H>[], kwargs: Kwargs<H>, scope: Scope<Value<H>>): void {
  let next = 0;
  const extra = new Map(kwargs);
  for (const param of fn.params) {
    if (param.kind === 'varargs') {
      scope.vars.set(param.name, list(args.slice(next), true));
      next = args.length;
      continue;
    }
    if (param.kind === 'varkw') {
      continue;
    }
    let value: Value<H> | undefined;
    if (param.kind === 'positional' && next < args.length) {
      value = args[next++];
    } else if (!param.positionalOnly && extra.has(param.name)) {
      value = extra.get(param.name);
      extra.delete(param.name);
    }
    value ??= fn.defaults.get(param.name);
    if (value === undefined) {
      ev.note(`${fn.name}() is called without its argument ${param.name}: it is a symbol`);
      value = sym(param.name);
    }
    scope.vars.set(param.name, value);
  }
  const varkw = fn.params.find((p) => p.kind === 'varkw');
  if (varkw) {
    const entries = new Map();
    for (const [key, value] of extra) {
      entries.set(`s${key}`, { key: { kind: 'str', value: key }, value });
    }
    scope.vars.set(varkw.name, { kind: 'dict', entries });
  } else if (extra.size > 0) {
    ev.note(`${fn.name}() got unexpected keyword arguments: ${[...extra.keys()].join(', ')}`);
  }
  if (next < args.length) {
    ev.note(`${fn.name}() got ${args.length - next} positional arguments too many`);
  }
}

/** Calls a local function: binds arguments, runs the body, returns its value (a generator's yields as a list). */
export function callFunction<H>(
  ev: Evaluator<H>,
  fn: PyFunction<H>,
  args: Value<H>[],
  kwargs: Kwargs<H>,
  node: PyNode,
  ctx: Context<H>,
  self?: Value<H>,
): Value<H> {
  const limit = ev.budget.limits.depth;
  if (ctx.depth >= limit) {
    ev.note(`recursion deeper than ${limit} calls was cut: ${fn.name}() gives a symbol`);
    return sym(ev.text(node));
  }
  if (self?.kind === 'object' && self.cls.mro.some((c) => c.foreignBases.length > 0)) {
    ev.host.methodCalled?.(self, fn.name, { node, ctx, ev });
  }
  const scope = new Scope<Value<H>>('function', fn.scope);
  bindArguments(ev, fn, args, kwargs, scope);
  const frame = {};
  const inner: Context<H> = { ...ctx, depth: ctx.depth + 1, frame, ownerClass: fn.ownerClass, self: self ?? ctx.self, fn, caller: ctx };
  const leave = ev.host.enterFunction?.(fn, self, { node, ctx, ev });
  try {
    return runBody(ev, fn, scope, inner, node, ctx);
  } finally {
    leave?.();
  }
}

/** Runs a function's body in its scope and gives its value. */
function runBody<H>(ev: Evaluator<H>, fn: PyFunction<H>, scope: Scope<Value<H>>, inner: Context<H>, node: PyNode, ctx: Context<H>): Value<H> {
  const body = fn.node.fields.body!;
  if (fn.node.type === 'lambda') {
    return ev.evaluate(body, scope, inner);
  }
  const completion = ev.execute(body, scope, inner);
  const result = inner.frame;
  if (fn.isGenerator) {
    return list(result.yields ?? []);
  }
  if (completion === Completion.Raise) {
    // An exception leaves the function: the caller's value is unknown (exceptions do not cross calls here).
    return sym(ev.text(node));
  }
  const returned = completion === Completion.Return ? (result.returned ?? NONE) : NONE;
  if (result.uncertainReturns && result.uncertainReturns.length > 0) {
    return ev.merge([...result.uncertainReturns, returned], `${fn.name}(…)`, node, ctx);
  }
  return returned;
}
