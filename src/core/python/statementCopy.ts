/**
 * The JS copy of a whole (error-free) syntax tree, top-level statement by top-level statement, taking
 * the copies of unchanged statements from a store (the incremental memo's, ../incremental/). A
 * statement is "unchanged" when the full lines it spans have the same text and it starts and ends at
 * the same offsets within them: the parse of a top-level statement depends only on its own text, and
 * its columns only on its own lines. A reused statement is moved by re-anchoring it (./ast.ts), so the
 * cost of an edit is the walk over the top-level statements plus the copy of the changed ones.
 */
import type { Tree } from 'web-tree-sitter';
import { anchorOf, lineStarts, TreeCopier, type Anchor, type PyNode } from './ast';

/** A copied top-level statement that a later copy may reuse. */
export interface CopiedStatement {
  node: PyNode;
  anchor: Anchor;
  /** Its statementKey, and the text of its full lines (the key's tail). */
  key: string;
  lines: string;
}

/**
 * Where a copy finds the statements of the previous copy and leaves its own. Statements are looked
 * up by the head of their key (the two offsets and the length of the lines) and the text's lines:
 * that saves building and hashing a key of every statement (the whole text) on every edit.
 */
export interface StatementStore {
  /** Starts a copy: `keep` collects its statements until `commit`. */
  begin(): void;
  /** Removes and returns a statement of the previous copy with this head whose lines are the text's at `spanStart`. */
  take(head: string, text: string, spanStart: number): CopiedStatement | undefined;
  /** A statement of this copy, in file order. */
  keep(head: string, statement: CopiedStatement): void;
  /** Ends the copy: its statements are what the next one may reuse. */
  commit(): void;
  /** Forgets every statement (after a failure). */
  clear(): void;
}

/** The key of a top-level statement: its offsets within its full lines, and their text. */
export function statementKey(text: string, starts: number[], startIndex: number, endIndex: number, startLine: number, endLine: number): string {
  const spanStart = starts[startLine]!;
  const spanEnd = endLine + 1 < starts.length ? starts[endLine + 1]! - 1 : text.length;
  return `${startIndex - spanStart},${endIndex - spanStart},${text.slice(spanStart, Math.max(spanEnd, endIndex))}`;
}

/**
 * The module node of `tree` (a tree of `text` without errors) and the key of each top-level
 * statement in it; statements the store still has from the previous copy are reused, moved in place.
 */
export function copyStatements(tree: Tree, text: string, store: StatementStore): { root: PyNode; keys: Map<PyNode, string>; reused: number } {
  const starts = lineStarts(text);
  const copier = new TreeCopier(tree, text, starts);
  const cursor = tree.walk();
  const keys = new Map<PyNode, string>();
  let reused = 0;
  store.begin();
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
        let statement = store.take(head, text, spanStart);
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
        store.keep(head, statement);
      } while (cursor.gotoNextSibling());
    }
    store.commit();
    return { root: copier.finish(root), keys, reused };
  } catch (error) {
    store.clear();
    throw error;
  } finally {
    cursor.delete();
  }
}
