/**
 * Spells a recommendation in Keras: adds or rewrites the layer's `kernel_initializer=` (or
 * `depthwise_initializer=`, `recurrent_initializer=`, and `initializer=` of an `add_weight` call)
 * with a string alias when one exists (`"he_normal"`, `"lecun_normal"`, `"glorot_uniform"`,
 * `"orthogonal"`), else a VarianceScaling with the exact scale, spelled through the file's own
 * `keras.initializers` alias or, without one, as a config dict (which `keras.initializers.get`
 * accepts in Keras 3 and tf.keras 2 alike, so no import is added). The call keeps its formatting:
 * one argument per line stays so, trailing commas, quotes, tabs and CRLF are kept.
 */
import { LayerGroups } from '../../advice/layerGroups';
import { sharedClassNotes } from '../../advice/fixScope';
import type { FixSpeller } from '../../advice/advise';
import type { Recommendation } from '../../advice/types';
import type { FileGraph, Layer, Position } from '../../graph';
import { callsByPosition } from '../../python/callAt';
import { preferredQuote, setKeywordArgument, toPositionEdit } from '../../python/edits';
import { aliasFor, importBindings } from '../../python/importAliases';
import { LineTable } from '../../python/lines';
import { torchInitVariance } from '../../init/torchInitVariance';
import type { VarianceScalingParameters } from '../../init/varianceScalingPresets';
import { layerClass } from './catalog';

/** The keyword that sets each graph key's initializer, per built-in layer kind. */
function keywordFor(layer: Layer, param: string): string | undefined {
  const cls = layerClass(layer.type);
  return cls?.inits?.find((init) => init.key === param)?.keyword;
}

/** Keras spelling of a recommendation: a string alias, or VarianceScaling(scale, mode, distribution). */
export function kerasInitializerFor(recommendation: Recommendation): { alias: string } | VarianceScalingParameters | null {
  const args = recommendation.args;
  if (recommendation.gain !== undefined) {
    // std = gain/√fan_in: VarianceScaling's truncated normal is std-corrected, so its variance is exactly scale/fan_in.
    return { scale: recommendation.gain * recommendation.gain, mode: 'fan_in', distribution: 'truncated_normal' };
  }
  // Keras' presets come in `_uniform` and `_normal` (its normal is the std-corrected truncated one).
  const suffix = recommendation.name.endsWith('uniform') ? 'uniform' : 'normal';
  const distribution = suffix === 'uniform' ? 'uniform' : 'truncated_normal';
  switch (recommendation.name) {
    case 'kaiming_normal':
    case 'kaiming_uniform': {
      const nonlinearity = args.nonlinearity ?? 'leaky_relu';
      if (nonlinearity === 'relu' || (nonlinearity === 'leaky_relu' && (args.a === undefined || args.a === 0))) {
        return { alias: `he_${suffix}` };
      }
      if (nonlinearity === 'linear' || nonlinearity === 'sigmoid') {
        return { alias: `lecun_${suffix}` };
      }
      return nonlinearity === 'leaky_relu' && typeof args.a === 'number' ? { scale: 2 / (1 + args.a * args.a), mode: 'fan_in', distribution } : null;
    }
    case 'xavier_uniform':
    case 'xavier_normal': {
      const gain = typeof args.gain === 'number' ? args.gain : args.gain === undefined ? 1 : null;
      return gain === null ? null : gain === 1 ? { alias: `glorot_${suffix}` } : { scale: gain * gain, mode: 'fan_avg', distribution };
    }
    case 'orthogonal':
      return Object.keys(args).length === 0 ? { alias: 'orthogonal' } : null;
    default:
      return null;
  }
}

/**
 * A DepthwiseConv's initializer sees Keras' fans of its kernel (*k, in, m): fan_in = in·∏k, but the
 * layer's true fan_in is ∏k (see layerCalls.ts), so no alias gives the recommended variance. Keras'
 * fan_out = m·∏k is the true one: VarianceScaling(scale = V·fan_out, mode="fan_out") gives exactly
 * V (EfficientNet's CONV_KERNEL_INITIALIZER is this with V = 2/∏k).
 */
export function depthwiseInitializerFor(recommendation: Recommendation, layer: Layer): VarianceScalingParameters | null {
  if (typeof layer.fanIn !== 'number' || typeof layer.fanOut !== 'number' || !(layer.fanIn > 0) || !(layer.fanOut > 0)) {
    return null;
  }
  const variance =
    recommendation.gain !== undefined
      ? (recommendation.gain * recommendation.gain) / layer.fanIn
      : torchInitVariance(recommendation.name, recommendation.args, { fanIn: layer.fanIn, fanOut: layer.fanOut });
  if (variance === null || !(variance > 0)) {
    return null;
  }
  const distribution = /uniform$/.test(recommendation.name) ? 'uniform' : 'truncated_normal';
  return { scale: variance * layer.fanOut, mode: 'fan_out', distribution };
}

/** Where Keras' initializers module lives, per Keras flavour. */
const INITIALIZER_MODULES = ['keras.initializers', 'tensorflow.keras.initializers', 'tf_keras.initializers', 'tensorflow.python.keras.initializers'];

/** `keras.initializers.` as the file reaches it, or null when it has no such name. */
function initializersPrefix(text: string): string | null {
  const alias = aliasFor(importBindings(text), ...INITIALIZER_MODULES);
  return alias === null ? null : `${alias}.`;
}

/** A number short enough to read and exact to 1e-6 relative. */
function numberText(value: number): string {
  const text = String(Number(value.toPrecision(7)));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** The argument value text. */
function valueText(spelling: NonNullable<ReturnType<typeof kerasInitializerFor>>, quote: string, prefix: string | null): string {
  if ('alias' in spelling) {
    return `${quote}${spelling.alias}${quote}`;
  }
  const q = (s: string) => `${quote}${s}${quote}`;
  if (prefix) {
    return `${prefix}VarianceScaling(scale=${numberText(spelling.scale)}, mode=${q(spelling.mode)}, distribution=${q(spelling.distribution)})`;
  }
  return `{${q('class_name')}: ${q('VarianceScaling')}, ${q('config')}: {${q('scale')}: ${numberText(spelling.scale)}, ${q('mode')}: ${q(spelling.mode)}, ${q('distribution')}: ${q(spelling.distribution)}}}`;
}

/** Positional parameters before each initializer keyword, per layer type: more positional arguments than this and the keyword may be filled already. */
function positionalLimit(layer: Layer): number {
  return layerClass(layer.type)?.params.length ?? 2;
}

/**
 * A speller for one file. A constructor call that builds several layers (a helper called in a loop)
 * is rewritten only when every layer it builds wants the same init.
 */
export function kerasFixSpeller(text: string, graph: FileGraph, recommendationOf: (layer: Layer) => Recommendation | null): FixSpeller {
  const lines = new LineTable(text);
  const prefix = initializersPrefix(text);
  const allLayers = graph.models.filter((model) => model.framework === 'keras' || model.framework === undefined).flatMap((model) => model.layers);
  // The graph keeps positions, the edit needs the call's syntax.
  const callAt = callsByPosition(text, lines);
  // The layers each constructor call (or, for custom weights, each add_weight call) builds, grouped once:
  // a fix asks its group in O(1), not by scanning every layer.
  const sharers = new LayerGroups(
    allLayers,
    (layer) => [
      `layer|${positionKey(layer.range.start)}`,
      ...Object.values(layer.init).flatMap((init) => (init ? [`init|${positionKey(init.range.start)}`] : [])),
    ],
    recommendationOf,
  );
  const notes = sharedClassNotes(graph);
  return (layer, param, recommendation, title) => {
    const init = layer.init[param];
    const spelling =
      /^DepthwiseConv[12]D$/.test(layer.type) && param === 'weight' ? depthwiseInitializerFor(recommendation, layer) : kerasInitializerFor(recommendation);
    if (!init || !spelling) {
      return null;
    }
    const builtinKeyword = keywordFor(layer, param);
    // A built-in layer's constructor call; for a weight of a custom layer, its `add_weight(...)` call, when the init is written or defaulted there.
    const call = callAt((builtinKeyword ? layer.range : init.range).start);
    const callee = call?.fields.function;
    if (!call || (!builtinKeyword && (!callee || !/^[\w.]*add_weight$/.test(text.slice(callee.startIndex, callee.endIndex))))) {
      return null;
    }
    const keyword = builtinKeyword ?? 'initializer';
    // `add_weight("kernel", shape)`: the first positional argument is the name (Keras 2), then the shape.
    const limit = builtinKeyword ? positionalLimit(layer) : call.fields.arguments?.children[0]?.type === 'string' ? 1 : 0;
    // Every layer built by the same constructor call (or, for custom weights, the same add_weight call) wants the same init.
    const group = builtinKeyword ? `layer|${positionKey(layer.range.start)}` : `init|${positionKey(init.range.start)}`;
    if (!sharers.othersWant(group, layer, recommendation)) {
      return null;
    }
    const quote = preferredQuote(text, { start: call.startIndex, end: Math.min(text.length, call.startIndex + 400) });
    const edit = setKeywordArgument(lines, call, keyword, valueText(spelling, quote, prefix), { maxPositional: limit });
    // An edit in a builder's or a layer class's code reaches every model built from it.
    return edit ? { title: title + notes(layer), edits: [toPositionEdit(lines, edit)] } : null;
  };
}

function positionKey(position: Position): string {
  return `${position.line}:${position.column}`;
}
