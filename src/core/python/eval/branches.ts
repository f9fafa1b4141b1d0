/**
 * Undecided control flow: both ways of a branch run on the same scope in turn (the second from the
 * variables as they were before the first), then the variables that differ are merged. A path that
 * returns while the other goes on leaves its value among the function's uncertain returns.
 */
import type { PyNode } from '../ast';
import { Completion, type Context, type Evaluator } from './contracts';
import { equals } from './operators';
import type { Scope } from './scope';
import { list, sym, type Value, type ValueOf } from './values';

/**
 * Runs `first` and `second` as the two undecided ways of a branch (on the test `condition`) and
 * merges their states.
 */
export function forkMerge<H>(
  ev: Evaluator<H>,
  node: PyNode,
  scope: Scope<Value<H>>,
  ctx: Context<H>,
  first: (ctx: Context<H>) => Completion,
  second: (ctx: Context<H>) => Completion,
  condition: PyNode = node,
): Completion {
  const uncertain = ctx.uncertain ? ctx : { ...ctx, uncertain: true };
  const frame = ctx.frame;
  const before = new Map(scope.vars);
  const lengths = listLengths(before, ctx.self);
  const watch = ev.host.watchBranches?.(condition, before.values(), { node, ctx, ev });
  const doneA = first(uncertain);
  const returnedA = frame.returned;
  const afterA = new Map(scope.vars);
  replace(scope.vars, before);
  watch?.between();
  const doneB = second(uncertain);
  const returnedB = frame.returned;
  watch?.join();
  // A list grown on one way only (`if cfg.extra: layers.append(...)`) has an unknown length.
  for (const [items, length] of lengths) {
    if (items.items.length !== length) {
      items.symbolicCount = true;
    }
  }
  if (doneA !== Completion.Normal && doneB !== Completion.Normal) {
    if (doneA === Completion.Return && doneB === Completion.Return) {
      frame.returned = ev.merge([returnedA!, returnedB!], 'return', node, ctx);
      return Completion.Return;
    }
    if (doneA === Completion.Return || doneB === Completion.Return) {
      frame.returned = doneA === Completion.Return ? returnedA : returnedB;
      return Completion.Return;
    }
    return doneA === doneB ? doneA : Completion.Normal;
  }
  if (doneA !== Completion.Normal) {
    if (doneA === Completion.Return) {
      (frame.uncertainReturns ??= []).push(returnedA!);
    }
    return Completion.Normal;
  }
  if (doneB !== Completion.Normal) {
    if (doneB === Completion.Return) {
      (frame.uncertainReturns ??= []).push(returnedB!);
    }
    replace(scope.vars, afterA);
    return Completion.Normal;
  }
  for (const [name, b] of scope.vars) {
    const a = afterA.get(name);
    if (a !== undefined && a !== b) {
      scope.vars.set(name, ev.merge([a, b], name, node, ctx));
    }
  }
  for (const [name, a] of afterA) {
    if (!scope.vars.has(name)) {
      scope.vars.set(name, a);
    }
  }
  return Completion.Normal;
}

/** The lists held by variables and by `self`'s attributes, with their lengths. */
function listLengths<H>(vars: Map<string, Value<H>>, self: Value<H> | undefined): Map<ValueOf<H, 'list'>, number> {
  const out = new Map<ValueOf<H, 'list'>, number>();
  for (const values of [vars.values(), self?.kind === 'object' ? self.attrs.values() : []]) {
    for (const value of values) {
      if (value.kind === 'list' && !value.tuple) {
        out.set(value, value.items.length);
      }
    }
  }
  return out;
}

function replace<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [k, v] of source) {
    target.set(k, v);
  }
}

/**
 * An `if/elif/else` (or `match`) chain of `count` tests: the first decided-true test runs its arm;
 * an undecided test forks between its arm and the rest of the chain. `run(count)` is the else arm.
 * `conditions[i]` is the node of test `i` (for the framework's notes), else the whole chain.
 */
export function branchChain<H>(
  ev: Evaluator<H>,
  node: PyNode,
  scope: Scope<Value<H>>,
  ctx: Context<H>,
  count: number,
  test: (i: number, ctx: Context<H>) => boolean | undefined,
  run: (i: number, ctx: Context<H>) => Completion,
  conditions: readonly PyNode[] = [],
): Completion {
  const from = (i: number, c: Context<H>): Completion => {
    for (let j = i; j < count; j++) {
      const truth = test(j, c);
      if (truth === true) {
        return run(j, c);
      }
      if (truth === undefined) {
        const rest = (u: Context<H>) => from(j + 1, u);
        return forkMerge(ev, node, scope, c, (u) => run(j, u), rest, conditions[j] ?? node);
      }
    }
    return run(count, c);
  };
  return from(0, ctx);
}

/**
 * One value for the values a variable has on undecided paths: equal values stay, host values are
 * the framework's to merge, same-length sequences merge item by item, the rest is a symbol (`name`).
 */
export function mergeValues<H>(ev: Evaluator<H>, values: Value<H>[], name: string, node: PyNode, ctx: Context<H>): Value<H> {
  const first = values[0]!;
  if (values.every((v) => v === first || equals(v, first) === true)) {
    return first;
  }
  if (values.some((v) => v.kind === 'host' || (v.kind === 'object' && v.host !== undefined))) {
    const merged = ev.host.merge?.(values, { node, ctx, ev });
    if (merged) {
      return merged;
    }
  }
  if (values.every((v) => v.kind === 'list' && first.kind === 'list' && v.tuple === first.tuple && v.items.length === first.items.length && !v.symbolicCount)) {
    const lists = values as Extract<Value<H>, { kind: 'list' }>[];
    const column = (i: number) => lists.map((l) => l.items[i]!);
    return list(
      lists[0]!.items.map((_, i) => mergeValues(ev, column(i), `${name}[${i}]`, node, ctx)),
      lists[0]!.tuple,
    );
  }
  return sym(name);
}
