/**
 * One top-level block of a file with syntax errors, parsed on its own: while the block has an error,
 * its broken lines are repaired (./heal.ts) or blanked to `pass`, so that a half-typed line costs
 * only itself and one unclosed bracket does not fold the later classes into it.
 */
import { anchorOf, toPyAst, type Anchor, type PyNode } from './ast';
import { healLines } from './heal';
import { parsePython } from './parser';

const MAX_HEALING_STEPS = 8;

/** One top-level block parsed on its own: its statements (anchored at the block's start) and the repaired lines, relative to it. */
export interface ParsedBlock {
  children: { node: PyNode; anchor: Anchor; index: number; line: number }[];
  healed: number[];
  /** True when the block parsed without errors and without repairs. */
  clean: boolean;
}

/** Parses one top-level block on its own, healing its broken lines; positions are relative to the block. */
export function parseBlock(blockText: string): ParsedBlock {
  const healed: number[] = [];
  const root = parseHealed(blockText, 0, healed);
  const children: ParsedBlock['children'] = [];
  for (const node of root.children) {
    if (node.type !== 'ERROR') {
      const anchor = anchorOf(node) ?? { index: 0, line: 0 };
      children.push({ node, anchor, index: anchor.index, line: anchor.line });
    }
  }
  return { children, healed, clean: !root.hasError && healed.length === 0 };
}

/** Moves a block's statements to where the block starts in the file (each statement's subtree shares its anchor). */
export function placeBlock(block: ParsedBlock, startLine: number, startIndex: number): void {
  for (const child of block.children) {
    child.anchor.index = child.index + startIndex;
    child.anchor.line = child.line + startLine;
  }
}

/**
 * Parses one top-level block; while it has a syntax error, the line where the first error starts
 * is replaced by `pass` (same indentation, same line count) and the block parsed again, so that a
 * half-typed line costs only itself. Positions in the result are relative to the block.
 */
function parseHealed(blockText: string, startLine: number, healed: number[]): PyNode {
  const lines = blockText.split('\n');
  const original = [...lines];
  let root: PyNode | undefined;
  let healedByLines = false;
  for (let step = 0; step <= MAX_HEALING_STEPS; step++) {
    const blockText = lines.join('\n');
    const tree = parsePython(blockText);
    if (!tree) {
      break;
    }
    const parserSeesError = tree.rootNode.hasError;
    if (parserSeesError && !healedByLines) {
      // First the line-level repairs (missing colon, unclosed or stray bracket), then the fallback.
      // Tried before copying the tree: while typing, the first parse of a block is usually the broken one.
      healedByLines = true;
      if (healLines(lines)) {
        tree.delete();
        continue;
      }
    }
    try {
      root = toPyAst(tree, blockText);
    } finally {
      tree.delete();
    }
    if (!root.hasError) {
      break;
    }
    const errorLine = firstErrorLine(root);
    // The block's header line is never blanked: that would lose the whole class.
    if (errorLine <= 0 || errorLine >= lines.length) {
      break;
    }
    const line = lines[errorLine]!;
    const healed = `${/^\s*/.exec(line)![0]}pass`;
    if (line === healed) {
      break;
    }
    lines[errorLine] = healed;
  }
  lines.forEach((line, index) => {
    if (line !== original[index]) {
      healed.push(startLine + index);
    }
  });
  return (
    root ?? {
      type: 'module',
      children: [],
      fields: {},
      text: '',
      operator: '',
      startIndex: 0,
      endIndex: 0,
      range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
      hasError: true,
    }
  );
}

/** The line of the first ERROR or MISSING node, in tree order. */
function firstErrorLine(node: PyNode): number {
  if (node.type === 'ERROR' || (node.hasError && node.children.every((c) => !c.hasError))) {
    return node.range.start.line;
  }
  const child = node.children.find((c) => c.hasError);
  return child ? firstErrorLine(child) : -1;
}
