/**
 * The Keras interpreter's shared state and contracts: the per-call context, the arguments of a
 * call, control-flow signals, the work budget, names (Keras' automatic layer names included) and
 * the operations the statement layer provides to the expression layer.
 */
import type { Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { isKerasName } from './kerasCalls';
import type { LayerInst, LocalClass, LocalFunction, ModelInst, Scope, Value } from './values';

/** Thrown to unwind a function body at `return`. */
export class ReturnSignal {
  constructor(readonly value: Value) {}
}
export class BreakSignal {}
export class ContinueSignal {}

/** Thrown when the work budget is spent. */
export class BudgetExceeded extends Error {}

/** Per-call context. */
export interface Context {
  /** The subclassed layer whose code runs (`self`). */
  self?: LayerInst;
  /** The class whose code runs (owner of created layers). */
  ownerClass?: LocalClass;
  /** The function whose code runs (names functional models after it). */
  functionName?: string;
  /** True on a path the analysis could not decide. */
  uncertain: boolean;
  depth: number;
}

export const MAX_DEPTH = 30;
export const MAX_LOOP = 512;
const BUDGET = 3_000_000;

/** The arguments of a call, evaluated, with their nodes (for ranges). */
export interface CallSite {
  node: PyNode;
  positional: Value[];
  positionalNodes: PyNode[];
  keywords: Map<string, Value>;
  keywordNodes: Map<string, PyNode>;
  /** `*args` / `**kwargs` that did not resolve: arguments may be missing. */
  hasSplat: boolean;
}

/** The namespace value of a dotted import path, when it is Keras or TensorFlow. */
export function namespaceOf(dotted: string): Value | undefined {
  const path = dotted
    .replace(/^tensorflow\.python\.keras\b/, 'tensorflow.keras')
    .replace(/^tf_keras\b/, 'keras')
    .replace(/^keras\.src\b/, 'keras')
    .replace(/^keras\.api\b/, 'keras');
  if (path === 'tensorflow.keras' || path.startsWith('tensorflow.keras.')) {
    return { kind: 'ns', root: 'keras', path: path.slice('tensorflow.keras'.length + 1) };
  }
  if (path === 'keras' || path.startsWith('keras.')) {
    return { kind: 'ns', root: 'keras', path: path.slice('keras'.length + 1) };
  }
  if (path === 'tensorflow' || path.startsWith('tensorflow.')) {
    return { kind: 'ns', root: 'tensorflow', path: path.slice('tensorflow'.length + 1) };
  }
  return undefined;
}

export abstract class InterpreterCore {
  readonly globals: Scope = { vars: new Map() };
  readonly classes = new Map<string, LocalClass>();
  readonly models: ModelInst[] = [];
  /** Every layer object made, in creation order. */
  readonly layers: LayerInst[] = [];
  /** Keras' per-prefix name counters (keras/src/backend/common/global_state: unique object names). */
  private readonly nameCounts = new Map<string, number>();
  private ticks = 0;
  /** Functions of the file that ran (model builders never called are run on their own). */
  readonly calledFunctions = new Set<PyNode>();
  /** Namespaces star-imported by the file. */
  protected readonly wildcards: Extract<Value, { kind: 'ns' }>[] = [];
  private nextId = 0;
  /** The innermost `self.<attr> = …` statement being run, for layer definitions. */
  pendingDefinition?: { target: string; range: Range; node: PyNode };

  constructor(readonly source: string) {}

  text(node: PyNode): string {
    return this.source.slice(node.startIndex, node.endIndex);
  }

  tick(): void {
    if (++this.ticks > BUDGET) {
      throw new BudgetExceeded('the analysis budget was spent');
    }
  }

  newId(): number {
    return this.nextId++;
  }

  /** `dense`, `dense_1`, … as Keras names layers without `name=`. */
  uniqueName(prefix: string): string {
    const count = this.nameCounts.get(prefix) ?? 0;
    this.nameCounts.set(prefix, count + 1);
    return count === 0 ? prefix : `${prefix}_${count}`;
  }

  /** Resets the automatic names (each subclassed model is extracted as if built in a fresh session). */
  resetNames(): void {
    this.nameCounts.clear();
  }

  lookup(name: string, scope: Scope): Value | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const value = s.vars.get(name);
      if (value !== undefined) {
        return value;
      }
    }
    return undefined;
  }

  /** `from keras.layers import *`: a name the star import brings, when Keras has it there. */
  protected fromWildcard(name: string): Value | undefined {
    for (const ns of this.wildcards) {
      const candidate: Value = { kind: 'ns', root: ns.root, path: ns.path ? `${ns.path}.${name}` : name };
      if (isKerasName(candidate)) {
        return candidate;
      }
    }
    return undefined;
  }

  abstract runBlock(nodes: PyNode[], scope: Scope, ctx: Context): void;
  abstract assign(target: PyNode, value: Value, scope: Scope, ctx: Context): void;
  abstract iterate(value: Value): Value[] | undefined;
  abstract callFunction(fn: LocalFunction, positional: Value[], keywords: Map<string, Value>, ctx: Context): Value;
}
