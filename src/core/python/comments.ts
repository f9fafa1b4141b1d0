/**
 * The comments of a Python text, read from tree-sitter's `comment` tokens: a `#` inside a string
 * literal is part of the string token, so it is never taken for a comment (a regex over lines would).
 */
import { asParsed } from './lines';
import { parsePython, type Tree } from './parser';

/** One comment token: where it starts (0-based line, UTF-16 column) and its text from `#`. */
export interface SourceComment {
  line: number;
  column: number;
  text: string;
  /** True when only whitespace precedes it on its line (a comment on a line of its own). */
  ownLine: boolean;
}

/**
 * The comments of `text`. With `tree`, a tree of exactly this text, that tree is read; otherwise the
 * text is parsed here (a lone CR made a line break, as the analysis does, so lines agree with findings).
 */
export function commentsOf(text: string, tree?: Tree): SourceComment[] {
  const normalized = asParsed(text);
  const own = tree && normalized === text ? undefined : parsePython(normalized);
  const used = own ?? tree;
  if (!used) {
    return [];
  }
  try {
    // One call into wasm for the whole list, not a walk node by node.
    return used.rootNode.descendantsOfType('comment').map((node) => {
      const lineStart = normalized.lastIndexOf('\n', node.startIndex - 1) + 1;
      return {
        line: node.startPosition.row,
        column: node.startIndex - lineStart,
        // A CR before the LF stays in tree-sitter's row, and may end the token.
        text: normalized.slice(node.startIndex, node.endIndex).replace(/\r$/, ''),
        ownLine: normalized.slice(lineStart, node.startIndex).trim() === '',
      };
    });
  } finally {
    own?.delete();
  }
}
