/**
 * Which models of a file another model composes (issue 10 item 4). A class built inside another
 * model (a block in a ResNet, a ResNet in an image-text model) is judged there, where the parent's
 * init code and the layer's real neighbours apply; judged alone as well, it would get advice its
 * parent already follows. Read from the graph alone: model X composes model Y when a layer of X
 * is written inside Y's code, Y being the innermost model whose range holds it (a nested class
 * holds its own layers). A class no model composes is judged alone.
 */
import type { Model, Range } from '../graph';

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function contains(outer: Range, inner: Range): boolean {
  return outer.path === undefined && inner.path === undefined && !before(inner.start, outer.start) && !before(outer.end, inner.end);
}

/** True when `a` lies within `b` and is not the same span (the inner of two nested ranges). */
function smaller(a: Range, b: Range): boolean {
  return contains(b, a) && !contains(a, b);
}

function byStart(a: Model, b: Model): number {
  return before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0;
}

/**
 * The innermost model whose code holds a range, among the models of this file sorted by start:
 * only those starting before the range can hold it, and the walk back stops once no earlier model
 * reaches past the range's end (top-level classes are disjoint, so the walk is short).
 */
class Holders {
  private readonly sorted: Model[];
  /** The latest end among sorted[0..i]. */
  private readonly reach: Range['end'][] = [];

  constructor(models: readonly Model[]) {
    this.sorted = models.filter((model) => model.range.path === undefined).sort(byStart);
    this.sorted.forEach((model, i) => {
      const previous = this.reach[i - 1];
      this.reach.push(previous !== undefined && before(model.range.end, previous) ? previous : model.range.end);
    });
  }

  innermost(range: Range): Model | undefined {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (before(range.start, this.sorted[middle]!.range.start)) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    let found: Model | undefined;
    for (let i = low - 1; i >= 0 && !before(this.reach[i]!, range.end); i--) {
      const model = this.sorted[i]!;
      if (contains(model.range, range) && (found === undefined || smaller(model.range, found.range))) {
        found = model;
      }
    }
    return found;
  }
}

/**
 * For each model, the models it composes (never itself). With `among`, only what decides whether
 * those are composed: all that models of `among` compose, and which of `among` the others compose
 * (a layer no model of `among` holds is not looked up).
 */
function compositionOf(models: readonly Model[], among?: ReadonlySet<Model>): Map<Model, Set<Model>> {
  const composes = new Map<Model, Set<Model>>(models.map((model) => [model, new Set<Model>()]));
  const holders = new Holders(models);
  const asked = among ? [...among].filter((model) => model.range.path === undefined) : undefined;
  // The lines some asked model spans: a layer starting elsewhere lies in none of them (a cheap first test).
  const spanned = asked ? linesOf(asked) : undefined;
  // Instances of one definition share its range: each range is looked up once.
  const holderOf = new Map<string, Model | undefined>();
  for (const model of models) {
    const whole = !asked || among!.has(model);
    for (const layer of model.layers) {
      const range = layer.range;
      if (range.path !== undefined || (!whole && !(spanned![range.start.line] === 1 && asked!.some((each) => contains(each.range, range))))) {
        continue;
      }
      const key = `${range.start.line}:${range.start.column}:${range.end.line}:${range.end.column}`;
      if (!holderOf.has(key)) {
        holderOf.set(key, holders.innermost(range));
      }
      const holder = holderOf.get(key);
      if (holder && holder !== model) {
        composes.get(model)!.add(holder);
      }
    }
  }
  return composes;
}

/** A flag per line, set on the lines the models' ranges span. */
function linesOf(models: readonly Model[]): Uint8Array {
  const last = Math.max(-1, ...models.map((model) => model.range.end.line));
  const lines = new Uint8Array(last + 1);
  for (const model of models) {
    lines.fill(1, model.range.start.line, model.range.end.line + 1);
  }
  return lines;
}

/**
 * The models some other model composes (of `among` only, when given: the same answer for them,
 * for less work). Two models that would compose each other (code shared both ways) are both kept:
 * leaving one out must never hide a finding no other model reports.
 */
export function composedModels(models: readonly Model[], among?: ReadonlySet<Model>): Set<Model> {
  const composes = compositionOf(models, among);
  const composed = new Set<Model>();
  for (const [parent, children] of composes) {
    for (const child of children) {
      if ((!among || among.has(child)) && !composes.get(child)!.has(parent)) {
        composed.add(child);
      }
    }
  }
  return composed;
}

/** The models judged on their own: every model no other model composes, in the graph's order. */
export function modelsInUse(models: readonly Model[]): Model[] {
  const composed = composedModels(models);
  return models.filter((model) => !composed.has(model));
}
