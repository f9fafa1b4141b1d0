/**
 * An imported file's syntax tree, parsed once per text and placed, for each analysis, after the
 * analysed file's text: the analysis evaluates one "virtual source" (the analysed text, then each
 * imported file after a line break), so every node's offsets and lines are positions in it and
 * every reader of a node's text (the evaluator, a framework) reads the right characters. Placing
 * moves the anchors of the top-level statements (python/ast.ts), which every node's positions are
 * read through: O(statements), not a copy.
 */
import { anchorOf, toPyAst, type Anchor, type PyNode } from '../python/ast';
import { asParsed } from '../python/lines';
import { parsePython } from '../python/parser';

/** One imported file, parsed. */
export interface ParsedModule {
  /** The text as parsed (a lone CR made a line break, as for the analysed file). */
  text: string;
  root: PyNode;
  /** Top-level statements with syntax errors (they are not run), and their 0-based lines. */
  broken: ReadonlySet<PyNode>;
  brokenLines: number[];
  /** True when some broken code is no statement of the copy (it is left out as well). */
  unplaced: boolean;
  /** Each anchor with the place it had in the file alone. */
  anchors: { anchor: Anchor; index: number; line: number }[];
}

/** Parses a file's text (undefined when the parser gives no tree). */
export function parseModule(rawText: string): ParsedModule | undefined {
  const text = asParsed(rawText);
  const tree = parsePython(text);
  if (!tree) {
    return undefined;
  }
  let root: PyNode;
  // tree-sitter knows which top-level statements hold an error (the copy may not: a recovered node is not always kept).
  const brokenStarts = new Set<number>();
  try {
    root = toPyAst(tree, text);
    if (tree.rootNode.hasError) {
      for (const child of tree.rootNode.children) {
        if (child && (child.hasError || child.isMissing)) {
          brokenStarts.add(child.startIndex);
        }
      }
    }
  } finally {
    tree.delete();
  }
  const anchors: ParsedModule['anchors'] = [];
  for (const node of [root, ...root.children]) {
    const anchor = anchorOf(node);
    if (anchor && !anchors.some((known) => known.anchor === anchor)) {
      anchors.push({ anchor, index: anchor.index, line: anchor.line });
    }
  }
  const broken = root.children.filter((child) => child.hasError || brokenStarts.has(child.startIndex));
  // A statement tree-sitter could not place (an ERROR node) has no start of its own among the copied children.
  const unplaced = brokenStarts.size > broken.length;
  const brokenLines = broken.map((child) => child.range.start.line);
  return { text, root, broken: new Set(broken), brokenLines, unplaced, anchors };
}

/** Places the module's nodes at `index` (offset) and `line` of the virtual source. */
export function placeModule(module: ParsedModule, index: number, line: number): void {
  for (const { anchor, index: own, line: ownLine } of module.anchors) {
    anchor.index = own + index;
    anchor.line = ownLine + line;
  }
}
