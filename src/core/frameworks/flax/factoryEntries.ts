/**
 * Flax networks built through a factory that takes the module class as an argument (issue 10 item
 * 1), as Flax's ImageNet example does: `def create_model(*, model_cls, half_precision, **kwargs):
 * return model_cls(num_classes=NUM_CLASSES, dtype=model_dtype, **kwargs)`, called as
 * `create_model(model_cls=ResNet50, half_precision=False)`. The network is the class (or partial)
 * passed in, with the partial's arguments and the factory's.
 */
import type { PyNode } from '../../python/ast';
import type { Evaluator } from '../../python/eval/contracts';
import { Scope } from '../../python/eval/scope';
import { sym, type PyClass } from '../../python/eval/values';
import { partialEntries, unwrapPartial, type FlaxEntry } from './entryPoints';
import type { FlaxHost, Value } from './host';

/** A module-level function that returns a call of one of its parameters, and that parameter's place. */
interface ClassFactory {
  name: string;
  param: string;
  /** Its index among the positional parameters, when it can be passed by position. */
  index: number;
}

/**
 * The module-level partials of local module classes, each with the arguments a class factory adds
 * when the file passes it to one, then the classes passed to a factory directly; one entry per name.
 */
export function withFactories(ev: Evaluator<FlaxHost>, root: PyNode, isModule: (cls: PyClass<FlaxHost>) => boolean): FlaxEntry[] {
  const partials = partialEntries(ev, root, isModule);
  const entries = new Map(partials.map((entry) => [entry.name, entry]));
  const replaced = new Set<string>();
  for (const entry of factoryEntries(ev, root, isModule, partials)) {
    // The first call of the factory with a name decides it (a later `create_model(model_cls=X)` for evaluation is the same network).
    if (!replaced.has(entry.name)) {
      replaced.add(entry.name);
      entries.set(entry.name, entry);
    }
  }
  return [...entries.values()];
}

/**
 * One entry per call of a class factory with a local module class or a module-level partial of one
 * (`partials`): named after the partial (whose entry it replaces), else after the variable the call
 * is bound to, else `factory(Cls)`.
 */
export function factoryEntries(
  ev: Evaluator<FlaxHost>,
  root: PyNode,
  isModule: (cls: PyClass<FlaxHost>) => boolean,
  partials: readonly FlaxEntry[],
): FlaxEntry[] {
  const factories = classFactories(ev, root);
  if (factories.size === 0) {
    return [];
  }
  const entries: FlaxEntry[] = [];
  for (const { call, enclosing, variable } of callsIn(root)) {
    const factory = call.fields.function?.type === 'identifier' ? factories.get(ev.text(call.fields.function)) : undefined;
    const argument = factory && classArgument(call, factory);
    const passed = argument?.type === 'identifier' ? ev.text(argument) : undefined;
    const value = passed === undefined ? undefined : ev.globals.vars.get(passed);
    const partial = partials.find((entry) => entry.name === passed);
    const cls = value?.kind === 'class' && isModule(value.cls) ? value.cls : undefined;
    if (!factory || passed === undefined || !value || (!partial && !cls)) {
      continue;
    }
    const bound = captured(ev, call, enclosing, passed, value);
    const name = partial ? passed : (variable ?? `${factory.name}(${passed})`);
    if (bound && isModule(bound.cls)) {
      entries.push({ name, node: partial?.node ?? call, ...bound });
    } else {
      ev.note(`${name}: the arguments ${factory.name}() gives line ${call.range.start.line + 1}'s model could not be evaluated; it is analysed without them`);
    }
  }
  return entries;
}

/**
 * The factory call evaluated with the passed class bound to `partial(X)`, so that the factory's
 * `model_cls(...)` hands its arguments back instead of building the module. The parameters of the
 * function the call is in are symbols (`half_precision`).
 */
function captured(ev: Evaluator<FlaxHost>, call: PyNode, enclosing: PyNode | undefined, passed: string, value: Value) {
  return ev.guard(
    () => {
      const ctx = ev.rootContext();
      const scope = new Scope<Value>('function', ev.globals);
      for (const param of enclosing ? ev.functionShape(enclosing).params : []) {
        scope.set(param.name, sym(param.name));
      }
      scope.set(passed, { kind: 'partial', fn: { kind: 'builtin', name: 'functools.partial' }, args: [value], kwargs: new Map() });
      return unwrapPartial(ev.evaluate(call, scope, ctx));
    },
    () => undefined,
  );
}

/** The module-level functions whose return value is a call of one of their parameters (`return model_cls(...)`). */
function classFactories(ev: Evaluator<FlaxHost>, root: PyNode): Map<string, ClassFactory> {
  const out = new Map<string, ClassFactory>();
  for (const statement of root.children) {
    const fn = statement.type === 'decorated_definition' ? statement.fields.definition : statement;
    if (fn?.type !== 'function_definition') {
      continue;
    }
    const params = ev.functionShape(fn).params;
    const positional = params.filter((p) => p.kind === 'positional');
    for (const value of returnedValues(fn.fields.body)) {
      const callee = value.type === 'call' ? value.fields.function : undefined;
      const param =
        callee?.type === 'identifier' ? params.find((p) => p.name === ev.text(callee) && (p.kind === 'positional' || p.kind === 'keyword')) : undefined;
      if (param) {
        const name = ev.text(fn.fields.name!);
        out.set(name, { name, param: param.name, index: positional.indexOf(param) });
        break;
      }
    }
  }
  return out;
}

/** The values of a body's return statements (not counting nested functions and classes). */
function returnedValues(body: PyNode | undefined): PyNode[] {
  const out: PyNode[] = [];
  const stack = body ? [body] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'return_statement' && node.children[0]) {
      out.push(node.children[0]);
    }
    if (node.type !== 'function_definition' && node.type !== 'class_definition') {
      stack.push(...node.children);
    }
  }
  return out;
}

/** The argument a call passes for the factory's class parameter, by keyword or by position. */
function classArgument(call: PyNode, factory: ClassFactory): PyNode | undefined {
  const args = call.fields.arguments?.children ?? [];
  const keyword = args.find((arg) => arg.type === 'keyword_argument' && arg.fields.name?.text === factory.param);
  if (keyword) {
    return keyword.fields.value;
  }
  const positional = args.filter((arg) => arg.type !== 'keyword_argument' && !arg.type.endsWith('splat'));
  return factory.index >= 0 ? positional[factory.index] : undefined;
}

/** Every call of the file, with the function it is in and the plain variable it is bound to. */
function callsIn(root: PyNode): { call: PyNode; enclosing?: PyNode; variable?: string }[] {
  const out: { call: PyNode; enclosing?: PyNode; variable?: string }[] = [];
  const stack: { node: PyNode; enclosing?: PyNode }[] = [{ node: root }];
  while (stack.length > 0) {
    const { node, enclosing } = stack.pop()!;
    const right = node.type === 'assignment' && node.fields.left?.type === 'identifier' ? node.fields.right : undefined;
    if (right?.type === 'call') {
      out.push({ call: right, enclosing, variable: node.fields.left!.text });
    } else if (node.type === 'call') {
      out.push({ call: node, enclosing });
    }
    const inner = node.type === 'function_definition' ? node : enclosing;
    for (const child of node.children) {
      if (child !== right) {
        stack.push({ node: child, enclosing: inner });
      }
    }
    if (right) {
      // The call's own arguments may hold further calls.
      stack.push(...right.children.map((child) => ({ node: child, enclosing: inner })));
    }
  }
  return out.sort((a, b) => a.call.startIndex - b.call.startIndex);
}
