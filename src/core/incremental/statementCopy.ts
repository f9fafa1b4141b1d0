/**
 * The JS copy of a whole (error-free) syntax tree, reusing the copies of top-level statements
 * that did not change since the previous copy. A statement is "unchanged" when the full lines it
 * spans have the same text and it starts and ends at the same offsets within them: the parse of a
 * top-level statement depends only on its own text, and its columns only on its own lines. A
 * reused statement is moved by re-anchoring it (../python/ast.ts), so the cost of an edit is the
 * walk over the top-level statements plus the copy of the changed ones.
 */
import type { Tree } from 'web-tree-sitter';
import { anchorOf, lineStarts, TreeCopier, type Anchor, type PyNode } from '../python/ast';

/** A copied top-level statement that a later copy may reuse. */
interface KeptStatement {
  node: PyNode;
  anchor: Anchor;
  /** Its statementKey, and the text of its full lines (the key's tail). */
  key: string;
  lines: string;
}

/** The key of a top-level statement: its offsets within its full lines, and their text. */
export function statementKey(text: string, starts: number[], startIndex: number, endIndex: number, startLine: number, endLine: number): string {
  const spanStart = starts[startLine]!;
  const spanEnd = endLine + 1 < starts.length ? starts[endLine + 1]! - 1 : text.length;
  return `${startIndex - spanStart},${endIndex - spanStart},${text.slice(spanStart, Math.max(spanEnd, endIndex))}`;
}

/** Copies of top-level statements, kept from one whole-tree copy to the next. */
export class StatementCopies {
  /**
   * Kept statements by the head of their key (the two offsets and the length of the lines); those
   * with equal keys are in file order, reversed. Looking up by the head and comparing the lines
   * saves building and hashing a key of every statement (the whole text) on every edit.
   */
  private kept = new Map<string, KeptStatement[]>();

  /**
   * The module node of `tree` (a tree of `text` without errors) and the key of each top-level
   * statement in it; statements whose key was in the previous copy are reused, moved in place.
   */
  copy(tree: Tree, text: string): { root: PyNode; keys: Map<PyNode, string>; reused: number } {
    const starts = lineStarts(text);
    const copier = new TreeCopier(tree, text, starts);
    const cursor = tree.walk();
    const next = new Map<string, KeptStatement[]>();
    const keys = new Map<PyNode, string>();
    let reused = 0;
    try {
      const root = copier.shellAt(cursor);
      if (cursor.gotoFirstChild()) {
        do {
          if (!copier.keeps(cursor.nodeTypeId)) {
            continue;
          }
          const startIndex = cursor.startIndex;
          const endIndex = cursor.endIndex;
          const startLine = copier.lineOf(startIndex);
          const endLine = copier.lineOf(endIndex);
          // As in statementKey.
          const spanStart = starts[startLine]!;
          const spanEnd = Math.max(endLine + 1 < starts.length ? starts[endLine + 1]! - 1 : text.length, endIndex);
          const head = `${startIndex - spanStart},${endIndex - spanStart},${spanEnd - spanStart}`;
          let statement = this.take(head, text, spanStart);
          if (statement) {
            reused++;
            statement.anchor.index = startIndex;
            statement.anchor.line = startLine;
          } else {
            const node = copier.copyAt(cursor, 0);
            const lines = text.slice(spanStart, spanEnd);
            statement = { node, anchor: anchorOf(node)!, key: `${startIndex - spanStart},${endIndex - spanStart},${lines}`, lines };
          }
          root.children.push(statement.node);
          keys.set(statement.node, statement.key);
          const list = next.get(head);
          if (list) {
            list.push(statement);
          } else {
            next.set(head, [statement]);
          }
        } while (cursor.gotoNextSibling());
      }
      // Equal statements are taken from the end of each list: keep them in file order for the next copy.
      for (const list of next.values()) {
        list.reverse();
      }
      this.kept = next;
      return { root: copier.finish(root), keys, reused };
    } catch (error) {
      this.kept = new Map();
      throw error;
    } finally {
      cursor.delete();
    }
  }

  /** Removes and returns the last kept statement with this head whose lines are the text's at `spanStart`. */
  private take(head: string, text: string, spanStart: number): KeptStatement | undefined {
    const candidates = this.kept.get(head);
    if (!candidates || candidates.length === 0) {
      return undefined;
    }
    // Compared as a slice (a view into the text, not a copy) with ===, which V8 does faster than startsWith.
    const lines = text.slice(spanStart, spanStart + candidates[0]!.lines.length);
    for (let i = candidates.length - 1; i >= 0; i--) {
      if (candidates[i]!.lines === lines) {
        return candidates.splice(i, 1)[0];
      }
    }
    return undefined;
  }

  clear(): void {
    this.kept = new Map();
  }
}
