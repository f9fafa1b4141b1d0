/**
 * Fixes in Flax spelling: add or rewrite `kernel_init=` (`embedding_init=` for Embed,
 * `recurrent_kernel_init=` for a cell's hidden weights) on the layer's own constructor call, with
 * the initializers module the file already imports (`nn.initializers`, `nnx.initializers`,
 * `jax.nn.initializers`, `initializers`). The call keeps its layout: one line or one argument per
 * line, trailing comma, CRLF, tabs. A keyword on the call overrides one given to a `partial`.
 */
import type { FixSpeller } from '../../advice/advise';
import type { Fix, Recommendation } from '../../advice/types';
import type { FileGraph, Layer, Position } from '../../graph';
import type { PyNode } from '../../python/ast';
import { flaxCallOf } from './extract';

/** The initializers module as the file can name it, from its imports; null when it imports none. */
export function initializersPrefix(text: string, callee: string): string | null {
  const aliases: { prefix: string; head: string }[] = [];
  const add = (head: string, prefix: string) => aliases.push({ head, prefix });
  for (const match of text.matchAll(/^[ \t]*from[ \t]+(jax\.nn|flax\.linen|flax\.nnx)[ \t]+import[ \t]+[^\n]*?\binitializers\b(?:[ \t]+as[ \t]+(\w+))?/gm)) {
    add(match[2] ?? 'initializers', match[2] ?? 'initializers');
  }
  for (const match of text.matchAll(
    /^[ \t]*(?:import[ \t]+flax\.(linen|nnx)[ \t]+as[ \t]+(\w+)|from[ \t]+flax[ \t]+import[ \t]+[^\n]*?\b(linen|nnx)\b(?:[ \t]+as[ \t]+(\w+))?)/gm,
  )) {
    const alias = match[2] ?? match[4] ?? match[3]!;
    add(alias, `${alias}.initializers`);
  }
  if (/^[ \t]*import[ \t]+jax\b(?![.\w])/m.test(text)) {
    add('jax', 'jax.nn.initializers');
  }
  const head = callee.split('.')[0] ?? '';
  return (aliases.find((alias) => alias.head === head) ?? aliases[0])?.prefix ?? null;
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

/** Line starts of the text, to turn offsets into positions (UTF-16 columns). */
function positionAt(text: string, offset: number): Position {
  const before = text.lastIndexOf('\n', offset - 1);
  const line = text.slice(0, offset).split('\n').length - 1;
  return { line, column: offset - (before + 1) };
}

/** The edit that sets `keyword=value` in the call, keeping its layout. */
export function keywordEdit(text: string, call: PyNode, keyword: string, value: string): { start: number; end: number; newText: string } | null {
  const list = call.fields.arguments;
  if (!list || list.type !== 'argument_list') {
    return null;
  }
  const args = list.children.filter((c) => c.type !== 'comment');
  if (args.some((a) => a.type === 'dictionary_splat')) {
    return null;
  }
  const existing = args.find((a) => a.type === 'keyword_argument' && text.slice(a.fields.name!.startIndex, a.fields.name!.endIndex) === keyword);
  if (existing?.fields.value) {
    return { start: existing.fields.value.startIndex, end: existing.fields.value.endIndex, newText: value };
  }
  const closing = list.endIndex - 1;
  if (text[closing] !== ')') {
    return null;
  }
  const last = args[args.length - 1];
  const entry = `${keyword}=${value}`;
  if (!last) {
    return { start: list.startIndex + 1, end: list.startIndex + 1, newText: entry };
  }
  const between = text.slice(last.endIndex, closing);
  const trailingComma = /^\s*,/.test(between);
  const multiline = text.slice(list.startIndex, closing).includes('\n') && text.slice(list.startIndex, last.startIndex).includes('\n');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = text.lastIndexOf('\n', last.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const ownLine = text.slice(lineStart, last.startIndex).trim() === '';
  if (trailingComma) {
    const comma = last.endIndex + between.indexOf(',') + 1;
    return multiline && ownLine ? { start: comma, end: comma, newText: `${eol}${indent}${entry},` } : { start: comma, end: comma, newText: ` ${entry},` };
  }
  return multiline && ownLine
    ? { start: last.endIndex, end: last.endIndex, newText: `,${eol}${indent}${entry}` }
    : { start: last.endIndex, end: last.endIndex, newText: `, ${entry}` };
}

/** The quote most of the file's one-line string literals use (docstrings left out). */
function preferredQuote(text: string): string {
  const plain = text.replace(/'''[\s\S]*?'''|"""[\s\S]*?"""/g, '');
  const single = (plain.match(/'[^'\n]*'/g) ?? []).length;
  const double = (plain.match(/"[^"\n]*"/g) ?? []).length;
  return single > double ? "'" : '"';
}

function sameRecommendation(a: Recommendation | null, b: Recommendation): boolean {
  return a !== null && a.name === b.name && a.gain === b.gain && JSON.stringify(a.args) === JSON.stringify(b.args);
}

/** The Flax fix speller for one file. */
export function flaxFixSpeller(text: string, graph: FileGraph, recommendationOf: (layer: Layer) => Recommendation | null): FixSpeller {
  const quote = preferredQuote(text);
  return (layer, param, recommendation, title): Fix | null => {
    const call = flaxCallOf(layer);
    const keyword = keywordFor(layer, param);
    if (!call || !keyword) {
      return null;
    }
    // A call shared by several layers (a loop, a helper) is fixed only when all want the same init.
    for (const model of graph.models) {
      for (const other of model.layers) {
        if (other !== layer && flaxCallOf(other) === call && param === 'weight' && !sameRecommendation(recommendationOf(other), recommendation)) {
          return null;
        }
      }
    }
    const callee = call.fields.function ? text.slice(call.fields.function.startIndex, call.fields.function.endIndex) : '';
    const prefix = initializersPrefix(text, callee);
    const value = prefix ? spellInitializer(recommendation, prefix, quote) : null;
    const edit = value ? keywordEdit(text, call, keyword, value) : null;
    if (!edit) {
      return null;
    }
    return { title, edits: [{ range: { start: positionAt(text, edit.start), end: positionAt(text, edit.end) }, newText: edit.newText }] };
  };
}
