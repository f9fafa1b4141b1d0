/**
 * An instance's `__dict__` (and `vars(obj)`) as a live view: config classes fill themselves with
 * `self.__dict__.update(kwargs)` or `vars(self).update(d)`, so a change made through the view is
 * written back to the instance's attributes, as Python's shared dict would.
 */
import type { PyNode } from '../ast';
import type { Context, Evaluator } from './contracts';
import type { DictEntry, DictKey, Value, ValueOf } from './values';

/** The `__dict__` view of a plain instance: its attributes as a dict tied to it. */
export function instanceDict<H>(object: ValueOf<H, 'object'>): ValueOf<H, 'dict'> {
  const entries = new Map<DictKey, DictEntry<H>>();
  for (const [key, value] of object.attrs) {
    entries.set(`s${key}`, { key: { kind: 'str', value: key }, value });
  }
  return { kind: 'dict', entries, instance: object };
}

/** After `dict` changed: when it is an instance's view, its string keys become the instance's attributes again. */
export function writeBackInstanceDict<H>(ev: Evaluator<H>, dict: Value<H>, node: PyNode, ctx: Context<H>): void {
  if (dict.kind !== 'dict' || !dict.instance) {
    return;
  }
  const object = dict.instance;
  const kept = new Set<string>();
  for (const entry of dict.entries.values()) {
    if (entry.key.kind !== 'str') {
      ev.note(`line ${node.range.start.line + 1}: a key of ${object.cls.name}.__dict__ that is not a static string is not an attribute here`);
      continue;
    }
    kept.add(entry.key.value);
    if (object.attrs.get(entry.key.value) !== entry.value) {
      ev.setAttribute(object, entry.key.value, entry.value, node, ctx);
    }
  }
  for (const name of [...object.attrs.keys()]) {
    if (!kept.has(name)) {
      object.attrs.delete(name);
    }
  }
}
