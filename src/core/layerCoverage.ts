/**
 * Whether one model has the layers of another (issue 10 item 1: no layer judged twice). A class
 * built with its default arguments is a guess, so its layers are compared by name, a `*` of a
 * loop of unknown length standing for any index (`Dense_*`, `h.*.attn`); an entry point's sizes
 * are not, so with `strict` the type and fans must agree too.
 */
import type { Layer } from './graph';

/**
 * True when `outer` has every layer of `inner`, each named `prefix` + its own name (with `strict`,
 * of the same type, and with the same fans where `inner`'s are numbers: a symbolic fan is a size
 * the entry point left open, which a composing model may fix).
 */
export function hasLayers(outer: readonly Layer[], inner: readonly Layer[], prefix: string, strict: boolean): boolean {
  const byName = new Map(outer.map((layer) => [layer.name, layer]));
  return inner.every((layer) => {
    const name = `${prefix}${layer.name}`;
    const match = byName.get(name);
    if (!strict) {
      return match !== undefined || (layer.name.includes('*') && outer.some((candidate) => wildcard(name).test(candidate.name)));
    }
    return match !== undefined && match.type === layer.type && sameFan(layer.fanIn, match.fanIn) && sameFan(layer.fanOut, match.fanOut);
  });
}

function sameFan(wanted: Layer['fanIn'], found: Layer['fanIn']): boolean {
  return typeof wanted !== 'number' || wanted === found;
}

/** `h.*.attn` → /^h\.\d+\.attn$/ (a `*` also matches another `*`). */
function wildcard(name: string): RegExp {
  const parts = name.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('(\\d+|\\*)')}$`);
}
