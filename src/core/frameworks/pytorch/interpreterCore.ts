/**
 * The interpreter's state and contracts: the file scope, the per-call context, the work budget,
 * name lookup, and the operations each layer of the interpreter provides to the others.
 */

import type { Activation, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { merge, type UseClock } from './flow';
import type { Interpreter } from './interpreter';
import { list, type LocalClass, type ModuleInst, type Scope, type Value } from './values';

/** Thrown to unwind a function body at `return`. */
export class ReturnSignal {
  constructor(readonly value: Value) {}
}

/** Thrown when the work budget is spent: the analysis of the model stops and reports it. */
export class BudgetExceeded extends Error {}

/** What the interpreter knows about the file. */
export interface FileScope {
  source: string;
  globals: Scope;
  classes: Map<string, LocalClass>;
  /** The data-flow order of layers' first uses in this file's forwards. */
  clock: UseClock;
}

/** Per-call context: how init writes reached here, and whether the path is certain. */
export interface Context {
  initSource: InitSource;
  uncertain: boolean;
  depth: number;
  /** The local class whose code is running (for `super()` and ownership of created layers). */
  ownerClass?: LocalClass;
  /** True while running a `forward`. */
  inForward: boolean;
  /** The instance whose method is running (for `super()`). */
  self?: Value;
  /** True inside a loop over a sequence of unknown length: appended modules are named `*`. */
  symbolicLoop?: boolean;
  /** The `.apply(fn)` call whose function is running, for fixes that add to the model's init. */
  applySite?: Range;
  /** Values returned on paths of an uncertain `if` that did not end the function (merged at its end). */
  returns?: Value[];
  /** Local classes whose constructor is running (a class that builds itself is not unrolled). */
  constructing?: ReadonlySet<LocalClass>;
}

export const MAX_DEPTH = 40;
export const MAX_LOOP = 256;

/** Names of methods whose init writes count as the class's own init routine. */
export const INIT_METHOD =
  /^_*(reset_parameters|reset_params|init_weights|initialize_weights|init_params|initialize_parameters|init_parameters|_init_weights|weights_init)$/;

/** The interpreter for one file. */

/** The shared state and the operations the interpreter layers call on each other. */
export abstract class InterpreterCore {
  /** This instance as the whole interpreter (every layer ends in `Interpreter`), for the helper modules. */
  self(): Interpreter {
    return this as unknown as Interpreter;
  }
  protected steps = 0;
  /** What this run could not follow and why, for the file's notes (one line each, deduplicated). */
  readonly notes = new Set<string>();

  constructor(
    readonly file: FileScope,
    private readonly budget = 2_000_000,
  ) {}

  /** Spends one unit of work; throws BudgetExceeded when the budget is gone. */
  tick(): void {
    if (++this.steps > this.budget) {
      throw new BudgetExceeded('analysis budget exceeded');
    }
  }

  text(node: PyNode): string {
    return node.text || this.file.source.slice(node.startIndex, node.endIndex);
  }

  // ───────────────────────────── statements ─────────────────────────────

  lookup(name: string, scope: Scope): Value | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const value = s.vars.get(name);
      if (value !== undefined) {
        return value;
      }
    }
    return builtinName(name);
  }

  abstract applyActivation(activation: Activation, args: Value[], kwargs: Map<string, Value>, node: PyNode): Value;
  abstract assign(target: PyNode, value: Value, scope: Scope, ctx: Context): void;
  abstract call(callee: Value, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context, argNodes?: PyNode[]): Value;
  abstract callModule(module: ModuleInst, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value;
  abstract callUnknown(callee: Value, args: Value[], node: PyNode, ctx: Context): Value;
  abstract eval(node: PyNode, scope: Scope, ctx: Context): Value;
  abstract execBlock(block: PyNode | undefined, scope: Scope, ctx: Context): void;
  abstract iterate(value: Value, _ctx: Context): { items: Value[] | undefined; symbolic: boolean };
}

const PYTHON_BUILTINS = new Set([
  'range',
  'len',
  'int',
  'float',
  'min',
  'max',
  'sum',
  'list',
  'tuple',
  'dict',
  'isinstance',
  'hasattr',
  'getattr',
  'setattr',
  'super',
  'enumerate',
  'zip',
  'reversed',
  'print',
  'round',
  'abs',
  'pow',
  'sorted',
  'type',
  'str',
  'bool',
  'issubclass',
  'iter',
  'next',
  'map',
  'filter',
  'any',
  'all',
  'set',
  'divmod',
]);

function builtinName(name: string): Value | undefined {
  return PYTHON_BUILTINS.has(name) ? { kind: 'builtin', name } : undefined;
}

/** One value standing for several a function may return: tensors and same-length tuples merge, tensors win over the rest. */
export function mergeValues(values: Value[]): Value {
  const present = values.filter((v) => v.kind !== 'none');
  if (present.length === 0) {
    return values[0] ?? { kind: 'none' };
  }
  const tensors = present.filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor');
  if (tensors.length > 0) {
    return {
      kind: 'tensor',
      tensor: merge(
        tensors.map((t) => t.tensor),
        tensors.some((t) => t.tensor.skip),
      ),
    };
  }
  const lists = present.filter((v): v is Extract<Value, { kind: 'list' }> => v.kind === 'list');
  if (lists.length === present.length && lists.every((l) => l.items.length === lists[0]!.items.length)) {
    return list(
      lists[0]!.items.map((_, i) => mergeValues(lists.map((l) => l.items[i]!))),
      lists[0]!.tuple,
      lists.some((l) => l.symbolicCount),
    );
  }
  return present[0]!;
}

/** The context for evaluating class bases and defaults (no writes happen there). */
export function baseContext(): Context {
  return { initSource: 'call', uncertain: false, depth: 0, inForward: false };
}

/** Every parameter of a module and its descendants. */
export function allParams(module: ModuleInst): import('./values').ParamInst[] {
  const out = [...module.params.values()];
  for (const child of module.children.values()) {
    out.push(...allParams(child));
  }
  return out;
}
