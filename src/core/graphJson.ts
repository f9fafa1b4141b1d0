/**
 * The ModelGraph as the CLI prints it (`graph --format json`) and as golden fixtures state it:
 * activation as a lowercase name, null or "unknown"; 1-based lines; init without source ranges.
 */
import type { ArgValue, FileGraph, InitInForce, Layer } from './graph';

/** One layer in the JSON form. */
export interface LayerJson {
  name: string;
  type: string;
  fanIn: number | string | null;
  fanOut: number | string | null;
  activation: string | null;
  activationParams?: Record<string, number | string>;
  init: Record<string, { name: string; args: Record<string, ArgValue>; source: string; variance: number | null; line: number } | null>;
  residual: boolean;
  normalized: boolean;
  line: number;
  /** The file the layer is defined in, when it is not the analysed file (a class imported from it). */
  file?: string;
}

/** The whole JSON document for several files. */
export interface GraphJson {
  files: { path: string; framework: string; models: { name: string; line: number; layers: LayerJson[] }[]; notes: string[] }[];
}

function initJson(init: InitInForce | null) {
  return init ? { name: init.name, args: init.args, source: init.source, variance: init.variance, line: init.range.start.line + 1 } : null;
}

/** A layer in the JSON form. */
export function layerJson(layer: Layer): LayerJson {
  const activation = layer.activation;
  const out: LayerJson = {
    name: layer.name,
    type: layer.type,
    fanIn: layer.fanIn,
    fanOut: layer.fanOut,
    activation: activation === null ? null : activation === 'unknown' ? 'unknown' : activation.name,
    init: Object.fromEntries(Object.entries(layer.init).map(([key, init]) => [key, initJson(init)])),
    residual: layer.residual,
    normalized: layer.normalized,
    line: layer.range.start.line + 1,
  };
  if (activation && activation !== 'unknown' && Object.keys(activation.params).length > 0) {
    out.activationParams = activation.params;
  }
  if (layer.range.path !== undefined) {
    out.file = layer.range.path;
  }
  return out;
}

/** Files' graphs in the JSON form. */
export function graphJson(files: FileGraph[]): GraphJson {
  return {
    files: files.map((file) => ({
      path: file.path,
      framework: file.framework,
      models: file.models.map((model) => ({ name: model.name, line: model.range.start.line + 1, layers: model.layers.map(layerJson) })),
      notes: file.notes,
    })),
  };
}
