/**
 * Finding a call in a text by where it starts, for fix spellers that get the text and the graph's
 * positions but not the syntax tree the analysis read (a speller parses the text once, on its
 * first fix: a few milliseconds for a 25 kB file).
 */
import type { Position } from '../graph';
import { toPyAst, type PyNode } from './ast';
import { asParsed, type LineTable } from './lines';
import { parsePython } from './parser';

/** The syntax tree of a whole text, as the analysis parses it; undefined if the parser gives none. */
export function syntaxTreeOf(text: string): PyNode | undefined {
  const source = asParsed(text);
  const tree = parsePython(source);
  try {
    return tree && toPyAst(tree, source);
  } finally {
    tree?.delete();
  }
}

/** The call starting at a graph position of `text` (see callStartingAt), the text parsed once, on the first question. */
export function callsByPosition(text: string, lines: LineTable): (position: Position) => PyNode | undefined {
  let root: PyNode | undefined | null = null;
  return (position) => {
    root ??= syntaxTreeOf(text) ?? undefined;
    return root ? callStartingAt(root, lines.offsetAt(position)) : undefined;
  };
}

/**
 * The innermost call that starts at `offset`: the constructor `layers.Dense(8)` rather than the
 * application `layers.Dense(8)(x)`; undefined when no call starts there.
 */
export function callStartingAt(root: PyNode, offset: number): PyNode | undefined {
  let found: PyNode | undefined;
  let node: PyNode | undefined = root;
  while (node) {
    if (node.type === 'call' && node.startIndex === offset) {
      found = node;
    }
    node = node.children.find((child) => child.startIndex <= offset && offset < child.endIndex);
  }
  return found;
}
