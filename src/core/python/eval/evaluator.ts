/**
 * The evaluator of one file: the state (source, module scope, budget and notes, the framework's
 * host semantics, the module resolver) and the operations its parts call on each other. Entry
 * points (`runModule`, `guard`) never throw: a spent budget ends the work with a note.
 */
import type { PyNode } from '../ast';
import { getAttribute, setAttribute } from './attributes';
import { mergeValues } from './branches';
import { Budget, DEFAULT_LIMITS, MAX_EXACT, StepsExhausted, spentNote, type Limits } from './budget';
import { callMethod, callValue, instantiate } from './calls';
import type { Completion, Context, Evaluator, HostSemantics, Iteration, Kwargs } from './contracts';
import { evalExpression } from './expressions';
import { readShape, type FunctionShape } from './functions';
import { noModules, type ModuleResolver } from './imports';
import { binaryOp } from './operators';
import type { ModuleReplay } from './moduleReplay';
import { Scope } from './scope';
import { assignTarget, execBlock } from './statements';
import { reprOf } from './strings';
import { plainTruth, rangeLength, sym, type PyClass, type Value } from './values';

/** Options of an evaluator. */
export interface EvaluatorOptions<H> {
  /** Bounds of the work (defaults: DEFAULT_LIMITS). */
  limits?: Partial<Limits>;
  /** Where imports of workspace modules are found (default: nowhere). */
  modules?: ModuleResolver<H>;
  /** The module's `__name__`. Default `'__main__'`: a model file is read as the program being run, so its `if __name__ == "__main__":` block runs. */
  moduleName?: string;
  /**
   * Where function shapes are memoized by their definition's node. A caller that analyses one
   * document again and again (the editor's incremental memo) passes the same map each time: a
   * reused node keeps its text, so its shape stays valid. Default: a map of this evaluator's own.
   */
  shapes?: WeakMap<PyNode, FunctionShape>;
  /**
   * The memo of this document's module runs (./moduleReplay.ts): unchanged definitions are bound
   * again instead of run, and the module scope is the memo's. Default: every statement runs.
   */
  replay?: ModuleReplay;
}

/** Evaluates the Python of one file with a framework's host semantics. */
export class PythonEvaluator<H> implements Evaluator<H> {
  readonly budget: Budget;
  readonly globals: Scope<Value<H>>;
  private readonly modules: ModuleResolver<H>;
  private readonly shapes: WeakMap<PyNode, FunctionShape>;
  private readonly replay?: ModuleReplay;

  constructor(
    readonly source: string,
    readonly host: HostSemantics<H>,
    options: EvaluatorOptions<H> = {},
  ) {
    this.budget = new Budget({ ...DEFAULT_LIMITS, ...options.limits });
    this.modules = options.modules ?? noModules();
    this.shapes = options.shapes ?? new WeakMap();
    this.replay = options.replay;
    this.globals = this.replay ? this.replay.moduleScope<H>() : new Scope<Value<H>>('module');
    this.globals.set('__name__', { kind: 'str', value: options.moduleName ?? '__main__' });
  }

  /** The notes so far, in order. */
  get notes(): string[] {
    return [...this.budget.notes];
  }

  text(node: PyNode): string {
    return node.text || this.source.slice(node.startIndex, node.endIndex);
  }

  note(text: string): void {
    this.budget.note(text);
  }

  rootContext(): Context<H> {
    return { uncertain: false, symbolicLoop: false, depth: 0, frame: {} };
  }

  /**
   * Runs `work`, or gives `fallback()` with a note when the step budget is spent (now or before).
   * Frameworks wrap each of their entry points (run a model's constructor, its forward) in it.
   */
  guard<T>(work: () => T, fallback: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof StepsExhausted) {
        this.note(spentNote(error.steps));
        return fallback();
      }
      if (error instanceof RangeError) {
        this.note('the code is nested too deeply to evaluate: the rest is not evaluated');
        return fallback();
      }
      throw error;
    }
  }

  runModule(root: PyNode): void {
    const replay = this.replay;
    const run = replay
      ? () => replay.run(this, root, this.globals, (statement) => execBlock(this, statement, this.globals, this.rootContext(), this.modules))
      : () => execBlock(this, root, this.globals, this.rootContext(), this.modules);
    this.guard(run, () => undefined);
  }

  evaluate(node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
    // Incomplete code (an edit in progress) can lack a part the grammar requires.
    return node ? evalExpression(this, node, scope, ctx) : sym('…');
  }

  execute(block: PyNode | undefined, scope: Scope<Value<H>>, ctx: Context<H>): Completion {
    return execBlock(this, block, scope, ctx, this.modules);
  }

  assign(target: PyNode, value: Value<H>, scope: Scope<Value<H>>, ctx: Context<H>): void {
    assignTarget(this, target, value, scope, ctx);
  }

  call(callee: Value<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
    return callValue(this, callee, args, kwargs, node, ctx);
  }

  callMethod(self: Value<H>, name: string, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> | undefined {
    return callMethod(this, self, name, args, kwargs, node, ctx);
  }

  instantiate(cls: PyClass<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
    return instantiate(this, cls, args, kwargs, node, ctx);
  }

  getAttribute(object: Value<H>, name: string, node: PyNode, ctx: Context<H>): Value<H> {
    return getAttribute(this, object, name, node, ctx);
  }

  setAttribute(object: Value<H>, name: string, value: Value<H>, node: PyNode, ctx: Context<H>): void {
    setAttribute(this, object, name, value, node, ctx);
  }

  binary(operator: string, left: Value<H>, right: Value<H>, node: PyNode, ctx: Context<H>): Value<H> {
    return binaryOp(this, operator, left, right, node, ctx);
  }

  truthy(value: Value<H>): boolean | undefined {
    if (value.kind === 'host') {
      return this.host.truthy?.(value.host, this);
    }
    return plainTruth(value);
  }

  iterate(value: Value<H>, node: PyNode, ctx: Context<H>): Iteration<H> {
    switch (value.kind) {
      case 'list':
        return value.symbolicCount && value.items.length === 0 ? this.unknownItems(value) : { items: value.items, symbolic: value.symbolicCount };
      case 'str':
        return { items: [...value.value].map((c) => ({ kind: 'str', value: c })), symbolic: false };
      case 'dict':
      case 'set':
        return { items: [...value.entries.values()].map((e) => e.key), symbolic: false };
      case 'range': {
        const n = rangeLength(value);
        if (!this.budget.allowsSize(n, 'a range', 'treated as a loop of unknown length')) {
          return { items: [sym(`range(…)[*]`)], symbolic: true };
        }
        const items: Value<H>[] = [];
        for (let i = 0; i < n; i++) {
          items.push(this.number(value.start + i * value.step, false, ''));
        }
        return { items, symbolic: false };
      }
      case 'host': {
        const items = this.host.iterate?.(value.host, { node, ctx, ev: this });
        return items ? { items, symbolic: false } : this.unknownItems(value);
      }
      case 'object': {
        const iterator = this.callMethod(value, '__iter__', [], new Map(), node, ctx);
        return iterator ? this.iterate(iterator, node, ctx) : this.unknownItems(value);
      }
      default:
        return this.unknownItems(value);
    }
  }

  /** One sample item standing for the unknown items of a value. */
  private unknownItems(value: Value<H>): Iteration<H> {
    return { items: [sym(`${this.show(value)}[*]`)], symbolic: true };
  }

  merge(values: Value<H>[], name: string, node: PyNode, ctx: Context<H>): Value<H> {
    return mergeValues(this, values, name, node, ctx);
  }

  show = (value: Value<H>): string => {
    switch (value.kind) {
      case 'sym':
        return value.text;
      case 'host':
        return this.host.text(value.host);
      case 'ns':
        return value.path;
      case 'class':
        return value.cls.name;
      case 'func':
        return value.fn.name;
      case 'object':
        return `${value.cls.name}(…)`;
      case 'method':
        return this.show(value.fn);
      case 'partial':
        return `partial(${this.show(value.fn)}, …)`;
      case 'builtin':
        return value.name;
      case 'super':
        return 'super()';
      case 'range':
        return `range(${value.start}, ${value.stop}, ${value.step})`;
      case 'slice':
        return 'slice(…)';
      default:
        return reprOf(value, this.show);
    }
  };

  functionShape(node: PyNode): FunctionShape {
    let shape = this.shapes.get(node);
    if (!shape) {
      shape = readShape(this, node);
      this.shapes.set(node, shape);
    }
    return shape;
  }

  number(value: number, float: boolean, origin: PyNode | string): Value<H> {
    if (Number.isFinite(value) && (float || Math.abs(value) <= MAX_EXACT)) {
      return { kind: 'num', value, float };
    }
    const text = typeof origin === 'string' ? origin : this.text(origin);
    if (!Number.isFinite(value)) {
      this.note(`${text || 'a number'} is not finite: it is a symbol`);
      return sym(text || 'nan');
    }
    this.note(`${text || 'a number'} is a size over 2⁵³: it is a symbol`);
    return sym(text || 'huge');
  }
}
