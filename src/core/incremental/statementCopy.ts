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
}

/** The key of a top-level statement: its offsets within its full lines, and their text. */
export function statementKey(text: string, starts: number[], startIndex: number, endIndex: number, startLine: number, endLine: number): string {
  const spanStart = starts[startLine]!;
  const spanEnd = endLine + 1 < starts.length ? starts[endLine + 1]! - 1 : text.length;
  return `${startIndex - spanStart},${endIndex - spanStart},${text.slice(spanStart, Math.max(spanEnd, endIndex))}`;
}

/** Copies of top-level statements, kept from one whole-tree copy to the next. */
export class StatementCopies {
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
          const key = statementKey(text, starts, startIndex, endIndex, startLine, copier.lineOf(endIndex));
          const candidates = this.kept.get(key);
          let statement = candidates?.pop();
          if (statement) {
            reused++;
            statement.anchor.index = startIndex;
            statement.anchor.line = startLine;
          } else {
            const node = copier.copyAt(cursor, 0);
            statement = { node, anchor: anchorOf(node)! };
          }
          root.children.push(statement.node);
          keys.set(statement.node, key);
          const list = next.get(key);
          if (list) {
            list.push(statement);
          } else {
            next.set(key, [statement]);
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

  clear(): void {
    this.kept = new Map();
  }
}
