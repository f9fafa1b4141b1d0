/**
 * The per-file state of the Keras semantics: every layer and model made, Keras' automatic names
 * (a fresh name session per extracted model), first-use order, and the functions of the file that
 * ran (model builders never called are run on their own).
 */
import type { PyNode } from '../../python/ast';
import type { Context } from '../../python/eval/contracts';
import type { KerasHost, LayerInst, ModelInst } from './values';

export class KerasState {
  readonly models: ModelInst[] = [];
  /** Every layer object made, in creation order. */
  readonly layers: LayerInst[] = [];
  /** First use of layers in data flow, counted per analysis. */
  readonly session = { nextUse: 0 };
  /** Functions of the file that ran. */
  readonly calledFunctions = new Set<PyNode>();
  /** Keras' per-prefix name counters (keras/src/backend/common/global_state: unique object names). */
  private readonly nameCounts = new Map<string, number>();

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

  /** Records the functions running at a Keras call as called. */
  noteRunning(ctx: Context<KerasHost>): void {
    callers(ctx)
      .flatMap((c) => (c.fn ? [c.fn.node] : []))
      .forEach((node) => this.calledFunctions.add(node));
  }
}

/** The contexts from the running code out to the module. */
function callers(ctx: Context<KerasHost>): Context<KerasHost>[] {
  const out: Context<KerasHost>[] = [];
  for (let c: Context<KerasHost> | undefined = ctx; c; c = c.caller) {
    out.push(c);
  }
  return out;
}

/** The innermost running function that is not a method (Keras names functional models after it). */
export function functionName(ctx: Context<KerasHost>): string | undefined {
  return callers(ctx).find((c) => c.fn && !c.fn.ownerClass)?.fn!.name;
}

/** The class whose method runs (through plain helpers it calls), else the running function: a layer's owner. */
export function ownerName(ctx: Context<KerasHost>): string {
  return callers(ctx).find((c) => c.ownerClass)?.ownerClass!.name ?? functionName(ctx) ?? '';
}
