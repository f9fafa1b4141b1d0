/**
 * Fixes in Flax spelling: add or rewrite `kernel_init=` (`embedding_init=` for Embed,
 * `recurrent_kernel_init=` for a cell's hidden weights) on the layer's own constructor call, with
 * the initializers module the file already imports (`nn.initializers`, `nnx.initializers`,
 * `jax.nn.initializers`, `initializers`). The call keeps its layout: one line or one argument per
 * line, trailing comma, CRLF, tabs. A keyword on the call overrides one given to a `partial`.
 */
import { LayerGroups } from '../../advice/layerGroups';
import { sharedClassNotes } from '../../advice/fixScope';
import type { FixSpeller } from '../../advice/advise';
import type { Fix, Recommendation } from '../../advice/types';
import type { FileGraph, Layer } from '../../graph';
import { preferredQuote, setKeywordArgument, toPositionEdit } from '../../python/edits';
import { aliasFor, importBindings, referencesTo } from '../../python/importAliases';
import { LineTable } from '../../python/lines';
import { callsByPosition } from '../../python/callAt';

/** The modules that hold JAX initializers, as Flax code reaches them. */
const INITIALIZER_MODULES = ['flax.linen.initializers', 'flax.nnx.initializers', 'jax.nn.initializers'];

/**
 * The initializers module as the file can name it, from its imports: the one under the callee's
 * own name (`nnx.initializers` for `nnx.Linear`) when there is one, else the most direct; null
 * when it imports none.
 */
export function initializersPrefix(text: string, callee: string): string | null {
  const bindings = importBindings(text);
  const head = callee.split('.')[0] ?? '';
  const sameHead = INITIALIZER_MODULES.flatMap((module) => referencesTo(bindings, module)).find((reference) => reference.text.split('.')[0] === head);
  return sameHead?.text ?? aliasFor(bindings, ...INITIALIZER_MODULES);
}

function short(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** A JAX initializer by name: a preset (`he_normal`) or `variance_scaling` with its arguments. */
export type JaxInitializer =
  | { name: 'lecun_normal' | 'he_normal' | 'glorot_uniform' | 'orthogonal' }
  | { name: 'variance_scaling'; scale: number; mode: 'fan_in' | 'fan_avg'; distribution: 'truncated_normal' | 'uniform' };

/**
 * The JAX initializer that realises a recommendation (variance in JAX's own fans): what the fix
 * writes and what the simulation samples for the recommended init. Null when there is no spelling.
 */
export function jaxInitializerFor(recommendation: Recommendation): JaxInitializer | null {
  if (recommendation.gain !== undefined) {
    // std = gain/√fan_in: variance_scaling(gain², 'fan_in', 'truncated_normal') (std-corrected).
    return { name: 'variance_scaling', scale: recommendation.gain * recommendation.gain, mode: 'fan_in', distribution: 'truncated_normal' };
  }
  const args = recommendation.args;
  switch (recommendation.name) {
    case 'kaiming_normal': {
      if (args.nonlinearity === 'linear') {
        return { name: 'lecun_normal' };
      }
      if (args.nonlinearity === 'relu') {
        return { name: 'he_normal' };
      }
      const slope = typeof args.a === 'number' ? args.a : 0.01;
      return { name: 'variance_scaling', scale: 2 / (1 + slope * slope), mode: 'fan_in', distribution: 'truncated_normal' };
    }
    case 'xavier_uniform': {
      const gain = typeof args.gain === 'number' ? args.gain : 1;
      return gain === 1 ? { name: 'glorot_uniform' } : { name: 'variance_scaling', scale: gain * gain, mode: 'fan_avg', distribution: 'uniform' };
    }
    case 'orthogonal':
      return { name: 'orthogonal' };
    default:
      return null;
  }
}

/** The recommendation's JAX initializer as source text under `prefix` (`nn.initializers`). */
export function spellInitializer(recommendation: Recommendation, prefix: string, quote: string): string | null {
  const initializer = jaxInitializerFor(recommendation);
  if (!initializer) {
    return null;
  }
  if (initializer.name !== 'variance_scaling') {
    return `${prefix}.${initializer.name}()`;
  }
  const q = (s: string) => `${quote}${s}${quote}`;
  return `${prefix}.variance_scaling(${short(initializer.scale)}, ${q(initializer.mode)}, ${q(initializer.distribution)})`;
}

/** The keyword that sets a parameter's initializer on a Flax layer. */
function keywordFor(layer: Layer, param: string): string | null {
  if (param === 'weight') {
    return layer.type === 'Embed' ? 'embedding_init' : /Norm/.test(layer.type) ? 'scale_init' : 'kernel_init';
  }
  if (param === 'weight_hh') {
    return 'recurrent_kernel_init';
  }
  if (param === 'weight_ih') {
    return 'kernel_init';
  }
  return null;
}

/** The Flax fix speller for one file. */
export function flaxFixSpeller(text: string, graph: FileGraph, recommendationOf: (layer: Layer) => Recommendation | null): FixSpeller {
  const quote = preferredQuote(text);
  const lines = new LineTable(text);
  // A layer's range starts at the call that made it (its constructor, or the factory call of a partial).
  const callAt = callsByPosition(text, lines);
  // The layers each constructor call builds, grouped once: a fix asks its group in O(1), not by scanning every layer.
  const sharers = new LayerGroups(
    graph.models.flatMap((model) => model.layers),
    (layer) => [startKey(layer)],
    recommendationOf,
  );
  const notes = sharedClassNotes(graph);
  const prefixes = new Map<string, string | null>();
  const prefixFor = (callee: string) => (prefixes.has(callee) ? prefixes.get(callee)! : prefixes.set(callee, initializersPrefix(text, callee)).get(callee)!);
  return (layer, param, recommendation, title): Fix | null => {
    const call = callAt(layer.range.start);
    const keyword = keywordFor(layer, param);
    if (!call || !keyword) {
      return null;
    }
    // A call shared by several layers (a loop, a helper) is fixed only when all want the same init.
    if (param === 'weight' && !sharers.othersWant(startKey(layer), layer, recommendation)) {
      return null;
    }
    const callee = call.fields.function ? text.slice(call.fields.function.startIndex, call.fields.function.endIndex) : '';
    const prefix = prefixFor(callee);
    const value = prefix ? spellInitializer(recommendation, prefix, quote) : null;
    const edit = value ? setKeywordArgument(lines, call, keyword, value) : null;
    // An edit in a module class's code reaches every model built from it.
    return edit ? { title: title + notes(layer), edits: [toPositionEdit(lines, edit)] } : null;
  };
}

function startKey(layer: Layer): string {
  return `${layer.range.start.line}:${layer.range.start.column}`;
}
