/**
 * Which fixes a request to `initLens.applyRecommendations` may apply. The command runs from our
 * hover links and the preview panel with arguments we built, but a command link is text: the scope
 * is checked against the analysis before anything is edited, and a scope that names no model or
 * layer of it is refused rather than widened. No `vscode` import, so it is testable in plain Node.
 */
import type { FileGraph } from '../core/graph';

/** Which fixes a command run applies: a model's, one layer's, or (no scope) the whole file's. */
export interface FixScope {
  model?: string;
  layer?: string;
}

/**
 * The scope if it is absent (the whole file) or a plain `{ model?, layer? }` naming a model of the
 * graph and a layer of that model (of any model when no model is named); undefined to refuse.
 */
export function checkedFixScope(graph: Pick<FileGraph, 'models'>, scope: unknown): FixScope | undefined {
  if (scope === undefined) {
    return {};
  }
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) {
    return undefined;
  }
  const { model, layer, ...rest } = scope as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || !optionalString(model) || !optionalString(layer)) {
    return undefined;
  }
  const models = model === undefined ? graph.models : graph.models.filter((m) => m.name === model);
  if ((model !== undefined && models.length === 0) || (layer !== undefined && !models.some((m) => m.layers.some((l) => l.name === layer)))) {
    return undefined;
  }
  const checked: FixScope = {};
  if (model !== undefined) {
    checked.model = model;
  }
  if (layer !== undefined) {
    checked.layer = layer;
  }
  return checked;
}

function optionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}
