/** The names Python's builtins module binds that the evaluator implements (see builtins.ts). */
import type { Value } from './values';

// One string split once: the list reads as a paragraph instead of 60 lines.
const BUILTINS = new Set(
  (
    'range len enumerate zip reversed sorted min max sum abs round int float str bool list tuple dict set frozenset isinstance issubclass getattr ' +
    'setattr hasattr map filter any all divmod pow print iter next type super repr callable id hash staticmethod classmethod property object chr ' +
    'ord vars slice format NotImplementedError ValueError TypeError KeyError IndexError RuntimeError Exception AttributeError AssertionError ' +
    'ImportError StopIteration ZeroDivisionError NotImplemented'
  ).split(' '),
);

/** The builtin bound to `name`, or undefined. */
export function builtinValue<H>(name: string): Value<H> | undefined {
  return BUILTINS.has(name) ? { kind: 'builtin', name } : undefined;
}
