/**
 * A memo of one document's module runs: top-level definitions that call no code when they run
 * (./definitionPlan.ts) are not run again when their statement (the same syntax node, so the same
 * text) reads the same values as last time; the function or class OBJECT of the last run is bound
 * again instead, so that instances and `isinstance` agree with the classes other statements see.
 * Reused functions close over the module scope, so every run of the document gets the same scope
 * object, emptied: they read the new run's globals. A reused class gets back the attributes it had
 * when it was defined (later code may have changed them), and its run's work is counted again.
 * Everything else runs; the result equals a fresh run's (test/unit/python/moduleReplay.test.ts).
 */
import type { PyNode } from '../ast';
import { Completion, type Evaluator } from './contracts';
import { definitionPlan, type DefinitionPlan } from './definitionPlan';
import { Scope } from './scope';
import type { PyClass, PyFunction, Value, ValueOf } from './values';

type AnyValue = Value<unknown>;

/** What running one definition gave last time, and what it read. */
interface DefinitionRecord {
  name: string;
  value: AnyValue;
  /** The value each read name had in the module scope before it ran (undefined: unbound). */
  reads: [string, AnyValue | undefined][];
  /** The class's attributes and fields as defined. */
  attrs?: [string, AnyValue][];
  fields?: PyClass<unknown>['fields'];
  /** The lists it made (defaults, class attributes), with their items as made. */
  lists: ListCopy[];
  steps: number;
  instances: number;
}

/** True when two values read by a definition are the same for it: the same object, or equal immutable values. */
function sameValue(a: AnyValue | undefined, b: AnyValue | undefined): boolean {
  if (a === b) {
    return true;
  }
  if (!a || !b || a.kind !== b.kind) {
    return false;
  }
  switch (a.kind) {
    case 'num':
      return a.value === (b as typeof a).value && a.float === (b as typeof a).float;
    case 'str':
    case 'bytes':
    case 'bool':
      return a.value === (b as typeof a).value;
    case 'none':
      return true;
    case 'sym':
      return a.text === (b as typeof a).text;
    case 'ns':
      return !a.attrs && !(b as typeof a).attrs && !a.library && !(b as typeof a).library && a.path === (b as typeof a).path;
    case 'builtin':
      return !a.self && !(b as typeof a).self && a.name === (b as typeof a).name;
    default:
      return false;
  }
}

/** A list a definition made (a default `[3, 4, 6, 3]`, a class attribute) with its items as made: a replay puts them back. */
type ListCopy = [ValueOf<unknown, 'list'>, AnyValue[], boolean];

/**
 * True for a value a definition may hand back next run: nothing later code can change in place (a
 * function of the module whose defaults are such values, a class, a tuple of such, a literal), or
 * a list of such when `lists` is given (it gets the list and its items, to put them back).
 */
function isFrozen(value: AnyValue, globals: Scope<AnyValue>, lists?: ListCopy[]): boolean {
  switch (value.kind) {
    case 'num':
    case 'str':
    case 'bytes':
    case 'bool':
    case 'none':
    case 'sym':
    case 'class':
    case 'host':
      return true;
    case 'builtin':
      return !value.self;
    case 'list':
      if (!value.items.every((item) => isFrozen(item, globals))) {
        return false;
      }
      if (!value.tuple) {
        lists?.push([value, [...value.items], value.symbolicCount]);
      }
      return value.tuple || lists !== undefined;
    case 'func':
      return isFrozenFunction(value.fn, globals, lists);
    default:
      return false;
  }
}

function isFrozenFunction(fn: PyFunction<unknown>, globals: Scope<AnyValue>, lists: ListCopy[] | undefined): boolean {
  return fn.scope === globals && fn.decorators.length === 0 && [...fn.defaults.values()].every((value) => isFrozen(value, globals, lists));
}

/** True for the decorators a replayed class may have: `@dataclass` (the builtin, which only reads the class). */
function replayableDecorators(decorators: AnyValue[]): boolean {
  return decorators.every((decorator) => decorator.kind === 'builtin' && !decorator.self && decorator.name === 'dataclasses.dataclass');
}

/** The `def` or `class` of a top-level statement, decorated or not. */
function definitionOf(statement: PyNode): PyNode {
  return statement.type === 'decorated_definition' ? (statement.fields.definition ?? statement) : statement;
}

/** One document's memo of module runs (see the file comment); the incremental memo keeps one per adapter. */
export class ModuleReplay {
  private globals?: Scope<AnyValue>;
  private records = new WeakMap<PyNode, DefinitionRecord>();
  private plans = new WeakMap<PyNode, DefinitionPlan | null>();
  /**
   * The host's values of qualified names (`torch.nn.Module`), one per name for the document: a
   * replayed class keeps the framework values it read, which must be those the new run resolves.
   */
  hostNames = new Map<string, unknown>();
  /** Counts of the latest run (for tests and the benchmark). */
  stats = { replayed: 0, run: 0 };

  /** The module scope of a new run: the same object every time (reused functions close over it), emptied. */
  moduleScope<H>(): Scope<Value<H>> {
    this.globals ??= new Scope<AnyValue>('module');
    this.globals.clear();
    this.stats = { replayed: 0, run: 0 };
    return this.globals as Scope<Value<H>>;
  }

  /** Runs the module's statements in order with `execute`, replaying what may be replayed; stops where a statement leaves the module. */
  run<H>(ev: Evaluator<H>, root: PyNode, globals: Scope<Value<H>>, execute: (statement: PyNode) => Completion): void {
    const scope = globals as Scope<AnyValue>;
    for (const statement of root.children) {
      if (scope === this.globals && this.replay(ev, statement, scope)) {
        this.stats.replayed++;
        continue;
      }
      const plan = scope === this.globals ? this.planOf(statement) : undefined;
      const reads = plan?.reads.map((name): [string, AnyValue | undefined] => [name, scope.vars.get(name)]);
      const budget = ev.budget;
      const before = { steps: budget.steps, instances: budget.instances, notes: budget.notesGiven };
      const completion = execute(statement);
      if (plan && completion === Completion.Normal && budget.notesGiven === before.notes) {
        this.record(ev, statement, plan, reads!, scope, { steps: budget.steps - before.steps, instances: budget.instances - before.instances });
      } else {
        this.records.delete(statement);
      }
      this.stats.run++;
      if (completion !== Completion.Normal) {
        return;
      }
    }
  }

  /** Forgets every kept run. */
  clear(): void {
    this.globals = undefined;
    this.records = new WeakMap();
    this.hostNames = new Map();
  }

  private planOf(statement: PyNode): DefinitionPlan | undefined {
    let plan = this.plans.get(statement);
    if (plan === undefined) {
      plan = definitionPlan(statement) ?? null;
      this.plans.set(statement, plan);
    }
    return plan ?? undefined;
  }

  private record<H>(
    ev: Evaluator<H>,
    statement: PyNode,
    plan: DefinitionPlan,
    reads: [string, AnyValue | undefined][],
    scope: Scope<AnyValue>,
    spent: { steps: number; instances: number },
  ): void {
    const value = scope.vars.get(plan.name);
    const definition = definitionOf(statement);
    const lists: ListCopy[] = [];
    let kept: Pick<DefinitionRecord, 'attrs' | 'fields'> = {};
    if (value?.kind === 'class' && value.cls.node === definition && replayableDecorators(value.cls.decorators)) {
      const cls = value.cls;
      // A framework told of the class may keep something of it: such a class is defined anew.
      const told = ev.host.classDefined !== undefined && cls.mro.some((c) => c.foreignBases.length > 0);
      const values = [...cls.attrs.values(), ...(cls.fields ?? []).flatMap((field) => [field.default, field.factory])];
      if (told || !values.every((each) => each === undefined || isFrozen(each, scope, lists))) {
        this.records.delete(statement);
        return;
      }
      kept = { attrs: [...cls.attrs], fields: cls.fields && [...cls.fields] };
    } else if (value?.kind !== 'func' || value.fn.node !== definition || !isFrozenFunction(value.fn, scope, lists)) {
      this.records.delete(statement);
      return;
    }
    this.records.set(statement, { name: plan.name, value, reads, ...kept, lists, ...spent });
  }

  /** Binds the kept value of the statement when it reads what it read last time; false when it must run. */
  private replay<H>(ev: Evaluator<H>, statement: PyNode, scope: Scope<AnyValue>): boolean {
    const record = this.records.get(statement);
    if (!record || !record.reads.every(([name, value]) => sameValue(scope.vars.get(name), value))) {
      return false;
    }
    const budget = ev.budget;
    // Over the budget, run it: the budget then ends at the same step as a fresh run.
    if (budget.steps + record.steps > budget.limits.steps || budget.instances + record.instances > budget.limits.instances) {
      return false;
    }
    budget.steps += record.steps;
    budget.instances += record.instances;
    if (record.value.kind === 'class' && record.attrs) {
      const attrs = record.value.cls.attrs;
      attrs.clear();
      record.attrs.forEach(([name, value]) => attrs.set(name, value));
      record.value.cls.fields = record.fields && [...record.fields];
    }
    for (const [list, items, symbolicCount] of record.lists) {
      list.items.splice(0, list.items.length, ...items);
      list.symbolicCount = symbolicCount;
    }
    scope.vars.set(record.name, record.value);
    return true;
  }
}
