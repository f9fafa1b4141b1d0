/**
 * A small abstract interpreter for Flax model code: it evaluates expressions to Values and runs
 * statements of `setup`, `__init__`, `__call__` and helpers, so that layers get their names, input
 * sizes, activations and initializers as Flax would give them at run time. What does not resolve
 * becomes a symbol, never a guess.
 */
import type { PyNode } from '../../python/ast';
import { UseClock } from './flow';
import { lookup, type LayerInst, type LocalClass, type Scope, type Value } from './values';

/** Thrown to unwind a function body at `return`. */
export class ReturnSignal {
  constructor(readonly value: Value) {}
}

/** Loop control. */
export class BreakSignal {}
export class ContinueSignal {}

/** Thrown when the work budget is spent. */
export class BudgetExceeded extends Error {}

/** Per-call context. */
export interface Ctx {
  /** The module instance whose method runs. */
  self?: Extract<Value, { kind: 'object' }>;
  /** The class whose code runs (owner of the layers it creates). */
  cls?: LocalClass;
  /** Inside a linen `@nn.compact` method: submodules are autonamed at construction. */
  compact: boolean;
  /** On a path the analysis cannot decide (an `if` on an unknown condition). */
  uncertain: boolean;
  /** Inside a loop of unknown length: names use `*`. */
  star: boolean;
  depth: number;
}

export const MAX_DEPTH = 30;
export const MAX_LOOP = 256;
const BUDGET = 400_000;

/** The state every part of the interpreter shares for one model. */
export class Machine {
  readonly clock = new UseClock();
  readonly layers: LayerInst[] = [];
  readonly notes = new Set<string>();
  private steps = 0;

  constructor(
    readonly source: string,
    readonly globals: Scope,
    readonly classes: Map<string, LocalClass>,
  ) {}

  text(node: PyNode): string {
    return node.text !== '' ? node.text : this.source.slice(node.startIndex, node.endIndex);
  }

  tick(): void {
    if (++this.steps > BUDGET) {
      throw new BudgetExceeded('the model is too large to analyse statically within the budget');
    }
  }

  lookupName(scope: Scope, name: string): Value | undefined {
    return lookup(scope, name) ?? lookup(this.globals, name);
  }
}

/** The method `name` of a class or its local bases, with the class that defines it. */
export function findMethod(cls: LocalClass, name: string): { node: PyNode; cls: LocalClass } | undefined {
  const seen = new Set<LocalClass>();
  const stack = [cls];
  while (stack.length > 0) {
    const current = stack.shift()!;
    if (seen.has(current)) {
      continue;
    }
    seen.add(current);
    const method = current.methods.get(name);
    if (method) {
      return { node: method, cls: current };
    }
    for (const base of current.bases) {
      if (base.kind === 'class') {
        stack.push(base.cls);
      }
    }
  }
  return undefined;
}

/** True when the method is `@nn.compact` in the class that defines it. */
export function isCompact(cls: LocalClass, name: string): boolean {
  const found = findMethod(cls, name);
  return found ? found.cls.compact.has(name) : false;
}

/** Fields of a dataclass in order, base classes first (dataclass inheritance). */
export function allFields(cls: LocalClass): LocalClass['fields'] {
  const out: LocalClass['fields'] = [];
  for (const base of cls.bases) {
    if (base.kind === 'class' && base.cls !== cls) {
      for (const field of allFields(base.cls)) {
        if (!out.some((f) => f.name === field.name)) {
          out.push(field);
        }
      }
    }
  }
  for (const field of cls.fields) {
    const at = out.findIndex((f) => f.name === field.name);
    if (at >= 0) {
      out[at] = field;
    } else {
      out.push(field);
    }
  }
  return out;
}
