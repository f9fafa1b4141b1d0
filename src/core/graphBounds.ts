/**
 * The last bound on a file's graph before advice: every size is a whole number from 0 to 2⁵³ or a
 * symbol, and no number in it is `Infinity` or `NaN`. The frameworks multiply and divide sizes the
 * file wrote (`Conv(-1e308, 32)`, `LSTM(1e-320)`, `Linear(1e308, 64)`): whatever comes out of range
 * here becomes a symbol with a note, so that no verdict, hover or fix is built on it.
 */
import type { ArgValue, FileGraph, InitInForce, Layer, Model } from './graph';
import { MAX_EXACT } from './python/eval/budget';

/** True for a size a tensor can have. */
function isSize(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_EXACT;
}

/** How a number that is not a size is shown in a symbol and a note. */
function shown(value: number): string {
  return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
}

/**
 * The notes bounding gave each model, for a memo whose models return from one analysis to the next
 * (../incremental/): a model is bounded in place once, so a returning one gives its notes again.
 */
export type BoundNotes = WeakMap<Model, string[]>;

/** Replaces out-of-range sizes and non-finite numbers of every layer of the graph; notes each bad size. */
export function boundGraph(graph: FileGraph, bounded?: BoundNotes): void {
  for (const model of graph.models) {
    const known = bounded?.get(model);
    if (known) {
      graph.notes.push(...known);
      continue;
    }
    const notes = boundModel(model);
    graph.notes.push(...notes);
    bounded?.set(model, notes);
  }
}

function boundModel(model: Model): string[] {
  const notes: string[] = [];
  for (const layer of model.layers) {
    const bad = boundFans(layer);
    if (bad.length > 0) {
      notes.push(`${model.name}: ${layer.name}: ${bad.join(', ')} is not a size (a whole number up to 2⁵³): it is a symbol`);
    }
    for (const init of Object.values(layer.init)) {
      if (init) {
        boundInit(init, bad.length > 0);
      }
    }
    boundArgs(layer.config);
    if (layer.activation && layer.activation !== 'unknown') {
      boundArgs(layer.activation.params);
    }
  }
  return notes;
}

/** The fans that are not sizes, in words; each becomes a symbol. */
function boundFans(layer: Layer): string[] {
  const bad: string[] = [];
  for (const key of ['fanIn', 'fanOut'] as const) {
    const value = layer[key];
    if (typeof value === 'number' && !isSize(value)) {
      bad.push(`${key === 'fanIn' ? 'fan_in' : 'fan_out'} ${shown(value)}`);
      layer[key] = `${key === 'fanIn' ? 'fan_in' : 'fan_out'}=${shown(value)}`;
    }
  }
  return bad;
}

/** A variance computed from a bad size, or not finite, is unknown. */
function boundInit(init: InitInForce, fromBadSize: boolean): void {
  if (init.variance !== null && (fromBadSize || !Number.isFinite(init.variance))) {
    init.variance = null;
  }
  if (init.sigmaW2 !== undefined && (fromBadSize || !Number.isFinite(init.sigmaW2))) {
    delete init.sigmaW2;
  }
  boundArgs(init.args);
}

/** Non-finite numbers among arguments become their Python spelling (`inf`, `nan`). */
function boundArgs(args: Record<string, ArgValue | number | string>): void {
  // A for-in loop: Object.entries allocated an array per entry, on every layer of every analysis.
  for (const key in args) {
    const value = args[key];
    if (typeof value === 'number' && !Number.isFinite(value)) {
      args[key] = shown(value);
    }
  }
}
