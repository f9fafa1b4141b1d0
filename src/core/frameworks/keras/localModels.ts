/**
 * Models a function builds for its own use rather than returns (issue 10 item 1): in
 * `def main(): model = keras.Sequential([...]); model.fit(...)` the model is `model`, not `main`.
 * A function that returns its model (`def build(): model = ...; return model`) is a builder and
 * keeps naming it. Found from the syntax alone.
 */
import type { PyNode } from '../../python/ast';

/** What a function does with a call it makes: the local variable it binds the call to, if any. */
export interface LocalUse {
  /** `v` in `v = <call>`; undefined when the call is not bound to a plain name. */
  variable?: string;
}

/**
 * The calls made in the file's functions whose value the function keeps to itself (not returned,
 * directly or through the variable it is bound to), by the call's start offset.
 */
export function localCalls(root: PyNode, text: (node: PyNode) => string): Map<number, LocalUse> {
  const out = new Map<number, LocalUse>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'function_definition' && node.fields.body) {
      collect(node.fields.body, text, out);
    }
    stack.push(...node.children);
  }
  return out;
}

/** One function body's calls (nested functions and classes are their own bodies). */
function collect(body: PyNode, text: (node: PyNode) => string, out: Map<number, LocalUse>): void {
  const bound = new Map<number, string>();
  const calls: PyNode[] = [];
  const returned = new Set<string>();
  const returnedRanges: PyNode[] = [];
  const stack = [body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') {
      continue;
    }
    if (node.type === 'call') {
      calls.push(node);
    }
    if (node.type === 'assignment' && node.fields.left?.type === 'identifier' && node.fields.right?.type === 'call') {
      bound.set(node.fields.right.startIndex, text(node.fields.left));
    }
    if (node.type === 'return_statement') {
      returnedRanges.push(node);
      // `return model`, `return model, history`: every name in the returned value leaves the function.
      for (const name of text(node).matchAll(/[A-Za-z_]\w*/g)) {
        returned.add(name[0]);
      }
    }
    stack.push(...node.children);
  }
  for (const call of calls) {
    const variable = bound.get(call.startIndex);
    const inReturn = returnedRanges.some((r) => r.startIndex <= call.startIndex && call.endIndex <= r.endIndex);
    if (!inReturn && !(variable !== undefined && returned.has(variable))) {
      out.set(call.startIndex, variable === undefined ? {} : { variable });
    }
  }
}
