/**
 * Flax's names for submodules made in compact methods (linen/module.py `__post_init__`: the
 * class name and a per-parent counter) and for `name=` arguments.
 */
import type { Value } from './values';

/** A `name=` argument: a string, or an f-string whose unresolved parts become `*` (`encoderblock_*`). */
export function explicitLocalName(value: Value | undefined): string | undefined {
  if (value?.kind === 'str') {
    return value.value;
  }
  const match = value?.kind === 'sym' ? /^[fF]([rR]?)(['"])(.*)\2$/.exec(value.text) : null;
  return match ? match[3]!.replace(/\{[^}]*\}/g, '*') : undefined;
}

/** Flax's autoname: `<ClassName>_<n>` per parent, counted in creation order (linen Module._name_taken). */
export function autoname(counters: Map<string, number>, className: string, star: boolean): string {
  const count = counters.get(className) ?? 0;
  if (star || Number.isNaN(count)) {
    counters.set(className, Number.NaN);
    return `${className}_*`;
  }
  counters.set(className, count + 1);
  return `${className}_${count}`;
}
