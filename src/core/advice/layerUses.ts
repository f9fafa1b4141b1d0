/**
 * Where each layer written in a file is used: the instances its definition builds in the models
 * judged on their own (./composition.ts). The inlay hint and the hover on a layer show the init
 * in force in the model that uses it, the same instance its diagnostic speaks of (the first), and
 * name the others. A layer only a composed model builds (a branch its parent never takes) keeps
 * that model's instances, so no layer loses its hint.
 */
import type { Layer, Model, Range } from '../graph';
import { composedModels } from './composition';

/** One instance of a layer definition: the model and its layer there. */
export interface LayerUse {
  model: Model;
  layer: Layer;
}

/** A layer definition's key: its range (with the file it is in, for imported code). */
export function layerRangeKey(range: Range): string {
  return `${range.path ?? ''}:${range.start.line}:${range.start.column}:${range.end.line}:${range.end.column}`;
}

/** The instances of every layer definition, by `layerRangeKey`, models in use first and in the graph's order. */
export function layerUses(models: readonly Model[]): Map<string, LayerUse[]> {
  const composed = composedModels(models);
  const inUse = new Map<string, LayerUse[]>();
  const fallback = new Map<string, LayerUse[]>();
  for (const model of models) {
    const target = composed.has(model) ? fallback : inUse;
    for (const layer of model.layers) {
      const key = layerRangeKey(layer.range);
      const uses = target.get(key);
      if (uses) {
        uses.push({ model, layer });
      } else {
        target.set(key, [{ model, layer }]);
      }
    }
  }
  for (const [key, uses] of fallback) {
    if (!inUse.has(key)) {
      inUse.set(key, uses);
    }
  }
  return inUse;
}
