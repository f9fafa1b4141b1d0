/**
 * The Flax networks a file configures outside its classes (issue 10 item 1): a module-level
 * `ResNet50 = partial(ResNet, stage_sizes=[3, 4, 6, 3], block_cls=BottleneckResNetBlock)` is the
 * network users build, named as they call it; the class alone, with fields left unset, is not.
 */
import type { Model } from '../../graph';
import type { PyNode } from '../../python/ast';
import { hasLayers } from '../../layerCoverage';
import type { Evaluator, Kwargs } from '../../python/eval/contracts';
import { inFile } from '../../python/eval/imports';
import { Scope } from '../../python/eval/scope';
import type { PyClass } from '../../python/eval/values';
import { findEntryPoints } from '../../scriptEntries';
import type { FlaxHost, Value } from './host';

/** A class to build as a model, with the arguments to build it with and the name to show. */
export interface FlaxEntry {
  name: string;
  cls: PyClass<FlaxHost>;
  /** The class definition, or the `X = partial(...)` statement. */
  node: PyNode;
  args: Value[];
  kwargs: Kwargs<FlaxHost>;
}

/** The module-level `X = partial(Cls, ...)` of the file whose class is a local module (`isModule`), in source order. */
export function partialEntries(ev: Evaluator<FlaxHost>, root: PyNode, isModule: (cls: PyClass<FlaxHost>) => boolean): FlaxEntry[] {
  const entries: FlaxEntry[] = [];
  for (const statement of root.children) {
    const assignment = statement.type === 'expression_statement' ? statement.children[0] : undefined;
    if (assignment?.type !== 'assignment' || assignment.fields.left?.type !== 'identifier') {
      continue;
    }
    const name = ev.text(assignment.fields.left);
    const bound = unwrapPartial(ev.globals.vars.get(name));
    if (bound && isModule(bound.cls) && bound.cls.node && inFile(bound.cls.node, root)) {
      entries.push({ name, node: statement, ...bound });
    }
  }
  return entries;
}

/**
 * The `v = Cls(...)` lines of the script (at module level, under `__main__`, in `main()`) whose
 * class is a local module (`model = MLP(784, 512, 10, rngs=nnx.Rngs(0))`), in source order: each
 * the class with the line's arguments, named after its variable. The arguments are evaluated as
 * the line does, with the class name bound to `partial(Cls)` so that the call hands them back.
 */
export function scriptEntries(ev: Evaluator<FlaxHost>, root: PyNode, isModule: (cls: PyClass<FlaxHost>) => boolean): FlaxEntry[] {
  const localModule = (name: string): PyClass<FlaxHost> | undefined => {
    const value = ev.globals.vars.get(name);
    return value?.kind === 'class' && isModule(value.cls) && value.cls.node && inFile(value.cls.node, root) ? value.cls : undefined;
  };
  const entries: FlaxEntry[] = [];
  for (const entry of findEntryPoints(
    root,
    (node) => ev.text(node),
    (name) => localModule(name) !== undefined,
  )) {
    const call = entry.kind === 'variable' ? entry.node.children[0]?.fields.right : undefined;
    const callee = call?.type === 'call' && call.fields.function?.type === 'identifier' ? ev.text(call.fields.function) : undefined;
    const cls = callee ? localModule(callee) : undefined;
    if (entry.kind !== 'variable' || !call || !callee || !cls) {
      continue;
    }
    const bound = ev.guard(
      () => {
        const ctx = ev.rootContext();
        const scope = new Scope<Value>('function', ev.globals);
        entry.before.forEach((statement) => ev.execute(statement, scope, ctx));
        scope.set(callee, { kind: 'partial', fn: { kind: 'builtin', name: 'functools.partial' }, args: [{ kind: 'class', cls }], kwargs: new Map() });
        return unwrapPartial(ev.evaluate(call, scope, ctx));
      },
      () => undefined,
    );
    if (bound) {
      entries.push({ name: entry.name, node: entry.node, ...bound });
    } else {
      ev.note(`${entry.name}: the arguments of line ${entry.node.range.start.line + 1} could not be evaluated; ${cls.name} is analysed with its defaults`);
    }
  }
  return entries;
}

/**
 * True when an entry point builds exactly its class's model with defaults (`model = CNN(rngs=nnx.Rngs(0))`):
 * that model is shown under the class's name, as for PyTorch.
 */
export function sameAsClass(built: { model: Model; className: string }, classes: Model[]): boolean {
  const key = (model: Model) => JSON.stringify(model.layers.map((l) => [l.name, l.type, l.fanIn, l.fanOut, l.activation, l.init, l.residual, l.normalized]));
  const cls = classes.find((model) => model.name === built.className);
  return cls !== undefined && cls.layers.length === built.model.layers.length && key(cls) === key(built.model);
}

/** `partial(partial(Cls, a), b=1)` → Cls with `a` and `b=1` (later keywords win, as functools does). */
export function unwrapPartial(value: Value | undefined): Omit<FlaxEntry, 'name' | 'node'> | undefined {
  if (value?.kind !== 'partial') {
    return undefined;
  }
  if (value.fn.kind === 'class') {
    return { cls: value.fn.cls, args: [...value.args], kwargs: new Map(value.kwargs) };
  }
  const inner = unwrapPartial(value.fn);
  return inner && { cls: inner.cls, args: [...inner.args, ...value.args], kwargs: new Map([...inner.kwargs, ...value.kwargs]) };
}

/**
 * One model per network, so that no layer is judged twice. A class model is left out when a
 * partial's model has all its layers, at the top (`ResNet` under `ResNet50`) or under an instance
 * Flax named after the class (`BottleneckResNetBlock_3.Conv_0`); a partial's model is left out, with
 * a note, when a class model composes it whole (`ResNet_0.` in a classifier). Order is kept, partials last.
 */
export function withoutCoveredClasses(classes: Model[], partials: { model: Model; className: string }[], note: (text: string) => void): Model[] {
  const kept = partials.filter(({ model, className }) => {
    const owner = classes.find((other) => covers(other, model, className, false, true));
    if (owner) {
      note(`${model.name}: all its layers are in ${owner.name}, which is analysed`);
    }
    return owner === undefined;
  });
  const covered = (model: Model): boolean => partials.some((partial) => covers(partial.model, model, model.name, partial.className === model.name, false));
  return [...classes.filter((model) => !covered(model)), ...kept.map((partial) => partial.model)];
}

/**
 * True when `outer` has every layer of `inner` (a model of `className`), at the top (when `top`) or
 * under an instance named after the class; by name, and with `strict` (an entry point's sizes,
 * not a class's guessed defaults) by type and fans too.
 */
function covers(outer: Model, inner: Model, className: string, top: boolean, strict: boolean): boolean {
  if (outer === inner) {
    return false;
  }
  const prefixes = new Set([
    ...(top ? [''] : []),
    ...outer.layers.flatMap((layer) => {
      const parts = layer.name.split('.');
      const at = parts.findIndex((part) => part.startsWith(`${className}_`));
      return at < 0 ? [] : [`${parts.slice(0, at + 1).join('.')}.`];
    }),
  ]);
  return [...prefixes].some((prefix) => hasLayers(outer.layers, inner.layers, prefix, strict));
}
