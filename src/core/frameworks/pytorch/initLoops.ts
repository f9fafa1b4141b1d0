/**
 * The init mechanism a loop gives the writes in its body: `for m in self.modules():` → `modules`,
 * `for n, p in self.named_parameters():` → `named_parameters` (read from the syntax around a write).
 */
import type { InitSource } from '../../graph';
import type { PyNode } from '../../python/ast';

/** The kind of the innermost loop over `modules()`/`named_parameters()` in `scope` whose body holds `target`. */
export function loopAround(scope: PyNode, target: PyNode): InitSource | undefined {
  let found: InitSource | undefined;
  let node: PyNode | undefined = scope;
  while (node && node !== target) {
    if (node.type === 'for_statement' && node.fields.body && contains(node.fields.body, target)) {
      found = LOOP_SOURCES.get(iteratedMethod(node.fields.right)) ?? found;
    }
    node = node.children.find((child) => contains(child, target));
  }
  return found;
}

function contains(outer: PyNode, inner: PyNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** `self.modules()` → `modules`. */
function iteratedMethod(iterable: PyNode | undefined): string {
  const callee = iterable?.type === 'call' ? iterable.fields.function : undefined;
  return callee?.type === 'attribute' ? (callee.fields.attribute?.text ?? '') : '';
}

const LOOP_SOURCES = new Map<string, InitSource>([
  ['modules', 'modules'],
  ['named_modules', 'modules'],
  ['children', 'modules'],
  ['named_children', 'modules'],
  ['parameters', 'named_parameters'],
  ['named_parameters', 'named_parameters'],
]);
