/**
 * Spells a recommendation in Keras: adds or rewrites the layer's `kernel_initializer=` (or
 * `depthwise_initializer=`, `recurrent_initializer=`, and `initializer=` of an `add_weight` call)
 * with a string alias when one exists (`"he_normal"`, `"lecun_normal"`, `"glorot_uniform"`,
 * `"orthogonal"`), else a VarianceScaling with the exact scale, spelled through the file's own
 * `keras.initializers` alias or, without one, as a config dict (which `keras.initializers.get`
 * accepts in Keras 3 and tf.keras 2 alike, so no import is added). The call keeps its formatting:
 * one argument per line stays so, trailing commas, quotes, tabs and CRLF are kept.
 */
import type { FixSpeller } from '../../advice/advise';
import type { Recommendation, TextEdit } from '../../advice/types';
import type { FileGraph, Layer, Position } from '../../graph';
import { torchInitVariance } from '../../init/torchInitVariance';
import { layerClass } from './catalog';

/** The keyword that sets each graph key's initializer, per built-in layer kind. */
function keywordFor(layer: Layer, param: string): string | undefined {
  const cls = layerClass(layer.type);
  return cls?.inits?.find((init) => init.key === param)?.keyword;
}

/** Keras spelling of a recommendation: a string alias, or VarianceScaling(scale, mode, distribution). */
export function kerasInitializerFor(recommendation: Recommendation): { alias: string } | { scale: number; mode: string; distribution: string } | null {
  const args = recommendation.args;
  if (recommendation.gain !== undefined) {
    // std = gain/√fan_in: VarianceScaling's truncated normal is std-corrected, so its variance is exactly scale/fan_in.
    return { scale: recommendation.gain * recommendation.gain, mode: 'fan_in', distribution: 'truncated_normal' };
  }
  switch (recommendation.name) {
    case 'kaiming_normal':
    case 'kaiming_uniform': {
      const nonlinearity = args.nonlinearity ?? 'leaky_relu';
      const distribution = recommendation.name === 'kaiming_normal' ? 'truncated_normal' : 'uniform';
      if (nonlinearity === 'relu' || (nonlinearity === 'leaky_relu' && (args.a === undefined || args.a === 0))) {
        return { alias: recommendation.name === 'kaiming_normal' ? 'he_normal' : 'he_uniform' };
      }
      if (nonlinearity === 'linear' || nonlinearity === 'sigmoid') {
        return { alias: recommendation.name === 'kaiming_normal' ? 'lecun_normal' : 'lecun_uniform' };
      }
      if (nonlinearity === 'leaky_relu' && typeof args.a === 'number') {
        return { scale: 2 / (1 + args.a * args.a), mode: 'fan_in', distribution };
      }
      return null;
    }
    case 'xavier_uniform':
    case 'xavier_normal': {
      const gain = typeof args.gain === 'number' ? args.gain : args.gain === undefined ? 1 : null;
      if (gain === null) {
        return null;
      }
      const distribution = recommendation.name === 'xavier_uniform' ? 'uniform' : 'truncated_normal';
      if (gain === 1) {
        return { alias: recommendation.name === 'xavier_uniform' ? 'glorot_uniform' : 'glorot_normal' };
      }
      return { scale: gain * gain, mode: 'fan_avg', distribution };
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
export function depthwiseInitializerFor(recommendation: Recommendation, layer: Layer): { scale: number; mode: string; distribution: string } | null {
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

/** `keras.initializers.` as the file reaches it, or null when it has no such name. */
function initializersPrefix(text: string): string | null {
  let match = /^\s*from\s+(?:tensorflow\.keras|tensorflow\.python\.keras|keras|tf_keras)\s+import\s+[^\n]*\binitializers\b(?:\s+as\s+(\w+))?/m.exec(text);
  if (match) {
    return `${match[1] ?? 'initializers'}.`;
  }
  match = /^\s*import\s+(?:tensorflow\.keras|keras)\.initializers\s+as\s+(\w+)/m.exec(text);
  if (match) {
    return `${match[1]}.`;
  }
  match = /^\s*from\s+tensorflow\s+import\s+[^\n]*\bkeras\b(?:\s+as\s+(\w+))?/m.exec(text);
  if (match) {
    return `${match[1] ?? 'keras'}.initializers.`;
  }
  match = /^\s*import\s+keras(?:\s+as\s+(\w+))?\s*$/m.exec(text);
  if (match) {
    return `${match[1] ?? 'keras'}.initializers.`;
  }
  match = /^\s*import\s+tensorflow\s+as\s+(\w+)/m.exec(text);
  if (match) {
    return `${match[1]}.keras.initializers.`;
  }
  return null;
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

interface Argument {
  start: number;
  end: number;
  keyword: string | null;
  valueStart: number;
  splat: boolean;
}

/** The top-level arguments of the call starting at `start` (brackets, strings and comments respected). */
function scanCall(text: string, start: number, end: number): { open: number; close: number; args: Argument[]; trailingComma: number | null } | null {
  let i = start;
  let depth = 0;
  let open = -1;
  while (i < end) {
    const c = text[i]!;
    if (c === '(' && depth === 0) {
      open = i;
      break;
    }
    if (c === '[' || c === '(' || c === '{') {
      depth++;
    } else if (c === ']' || c === ')' || c === '}') {
      depth--;
    }
    i++;
  }
  if (open < 0) {
    return null;
  }
  // The callee must be the whole text before the parenthesis.
  const args: Argument[] = [];
  let argStart = -1;
  let trailingComma: number | null = null;
  depth = 0;
  for (i = open + 1; i < end; i++) {
    const c = text[i]!;
    if (c === '#') {
      while (i < end && text[i] !== '\n') {
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const closer = triple ? c.repeat(3) : c;
      if (argStart < 0) {
        argStart = i;
      }
      i += closer.length;
      while (i < end && !text.startsWith(closer, i)) {
        i += text[i] === '\\' ? 2 : 1;
      }
      i += closer.length - 1;
      continue;
    }
    if (depth === 0 && (c === ',' || c === ')')) {
      if (argStart >= 0) {
        let argEnd = i;
        while (argEnd > argStart && /\s/.test(text[argEnd - 1]!)) {
          argEnd--;
        }
        const argText = text.slice(argStart, argEnd);
        const keyword = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(argText);
        args.push({
          start: argStart,
          end: argEnd,
          keyword: keyword ? keyword[1]! : null,
          valueStart: keyword ? argStart + keyword[0].length : argStart,
          splat: argText.startsWith('*'),
        });
        trailingComma = c === ',' ? i : null;
      }
      argStart = -1;
      if (c === ')') {
        return { open, close: i, args, trailingComma: args.length > 0 && trailingComma !== null && trailingComma < i ? trailingComma : null };
      }
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    }
    if (argStart < 0 && !/\s/.test(c)) {
      argStart = i;
    }
  }
  return null;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

function positionAt(starts: number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return { line: low, column: offset - starts[low]! };
}

/** The edit that sets `keyword=value` in the call at `offset`, or null when it cannot be done safely. */
function setKeyword(text: string, starts: number[], offset: number, keyword: string, value: string, positionalLimit: number): TextEdit | null {
  const scan = scanCall(text, offset, text.length);
  if (!scan) {
    return null;
  }
  // `**kwargs` may already carry the keyword; a positional argument may already fill it.
  if (scan.args.some((arg) => arg.splat) || scan.args.filter((arg) => arg.keyword === null).length > positionalLimit) {
    return null;
  }
  const existing = scan.args.find((arg) => arg.keyword === keyword);
  if (existing) {
    return { range: { start: positionAt(starts, existing.valueStart), end: positionAt(starts, existing.end) }, newText: value };
  }
  const last = scan.args[scan.args.length - 1];
  if (!last) {
    const at = positionAt(starts, scan.open + 1);
    return { range: { start: at, end: at }, newText: `${keyword}=${value}` };
  }
  const lastLine = positionAt(starts, last.start).line;
  const closeLine = positionAt(starts, scan.close).line;
  const openLine = positionAt(starts, scan.open).line;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (closeLine > lastLine || lastLine > openLine) {
    // One argument per line: a new line with the last argument's indentation.
    const lineStart = starts[lastLine]!;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const firstOnLine = text.slice(lineStart, last.start).trim() === '';
    if (firstOnLine) {
      if (scan.trailingComma !== null) {
        const at = positionAt(starts, scan.trailingComma + 1);
        return { range: { start: at, end: at }, newText: `${eol}${indent}${keyword}=${value},` };
      }
      const at = positionAt(starts, last.end);
      return { range: { start: at, end: at }, newText: `,${eol}${indent}${keyword}=${value}` };
    }
  }
  if (scan.trailingComma !== null) {
    const at = positionAt(starts, scan.trailingComma + 1);
    return { range: { start: at, end: at }, newText: ` ${keyword}=${value},` };
  }
  const at = positionAt(starts, last.end);
  return { range: { start: at, end: at }, newText: `, ${keyword}=${value}` };
}

function sameRecommendation(a: Recommendation | null, b: Recommendation): boolean {
  return a !== null && a.name === b.name && JSON.stringify(a.args) === JSON.stringify(b.args) && a.gain === b.gain;
}

function quoteOf(text: string, from: number, to: number): string {
  const slice = text.slice(from, to);
  const doubles = (slice.match(/"/g) ?? []).length;
  const singles = (slice.match(/'/g) ?? []).length;
  if (doubles + singles > 0) {
    return doubles >= singles ? '"' : "'";
  }
  const fileDoubles = (text.match(/"/g) ?? []).length;
  const fileSingles = (text.match(/'/g) ?? []).length;
  return fileSingles > fileDoubles ? "'" : '"';
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
  const starts = lineStarts(text);
  const prefix = initializersPrefix(text);
  const allLayers = graph.models.filter((model) => model.framework === 'keras' || model.framework === undefined).flatMap((model) => model.layers);
  return (layer, param, recommendation, title) => {
    const init = layer.init[param];
    const spelling =
      /^DepthwiseConv[12]D$/.test(layer.type) && param === 'weight' ? depthwiseInitializerFor(recommendation, layer) : kerasInitializerFor(recommendation);
    if (!init || !spelling) {
      return null;
    }
    const builtinKeyword = keywordFor(layer, param);
    let site: { line: number; column: number };
    let keyword: string;
    let limit: number;
    if (builtinKeyword) {
      site = layer.range.start;
      keyword = builtinKeyword;
      limit = positionalLimit(layer);
    } else {
      // A weight of a custom layer: its `add_weight(...)` call, when the init is written there or defaulted there.
      const callText = text.slice(starts[init.range.start.line]! + init.range.start.column);
      if (/^[\w.]*add_weight\s*\(/.test(callText)) {
        site = init.range.start;
      } else {
        return null;
      }
      keyword = 'initializer';
      limit = /^[\w.]*add_weight\s*\(\s*["']/.test(callText) ? 1 : 0;
    }
    // Every layer built by the same constructor call (or, for custom weights, the same add_weight call).
    const sameStart = (a: Position, b: Position) => a.line === b.line && a.column === b.column;
    const sharers = allLayers.filter((other) =>
      builtinKeyword ? sameStart(other.range.start, layer.range.start) : Object.values(other.init).some((o) => o && sameStart(o.range.start, init.range.start)),
    );
    if (!sharers.every((other) => other === layer || sameRecommendation(recommendationOf(other), recommendation))) {
      return null;
    }
    const offset = starts[site.line]! + site.column;
    const quote = quoteOf(text, offset, Math.min(text.length, offset + 400));
    const edit = setKeyword(text, starts, offset, keyword, valueText(spelling, quote, prefix), limit);
    if (!edit) {
      return null;
    }
    return { title, edits: [edit] };
  };
}
