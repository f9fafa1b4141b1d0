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

/** Lines × columns spanned, to find the innermost of nested ranges (larger = later end or earlier start). */
function smaller(a: Range, b: Range): boolean {
  return contains(b, a) && !contains(a, b);
}

/** The innermost model whose code holds `range`, if any. */
function innermost(models: readonly Model[], range: Range): Model | undefined {
  let found: Model | undefined;
  for (const model of models) {
    if (contains(model.range, range) && (found === undefined || smaller(model.range, found.range))) {
      found = model;
    }
  }
  return found;
}

/** For each model, the models it composes (never itself). */
function compositionOf(models: readonly Model[]): Map<Model, Set<Model>> {
  const composes = new Map<Model, Set<Model>>(models.map((model) => [model, new Set<Model>()]));
  for (const model of models) {
    for (const layer of model.layers) {
      const holder = innermost(models, layer.range);
      if (holder && holder !== model) {
        composes.get(model)!.add(holder);
      }
    }
  }
  return composes;
}

/**
 * The models some other model composes. Two models that would compose each other (code shared both
 * ways) are both kept: leaving one out must never hide a finding no other model reports.
 */
export function composedModels(models: readonly Model[]): Set<Model> {
  const composes = compositionOf(models);
  const composed = new Set<Model>();
  for (const [parent, children] of composes) {
    for (const child of children) {
      if (!composes.get(child)!.has(parent)) {
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
