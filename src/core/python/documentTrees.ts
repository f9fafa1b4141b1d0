/**
 * One syntax tree per open document, re-parsed incrementally: the editor hands in each new text,
 * the change against the previous text is found (common prefix and suffix), applied to the old
 * tree with `tree.edit`, and tree-sitter re-parses only what changed. Trees live in the wasm heap,
 * which never shrinks (a 5,000-line file's tree takes about 4 MB): close a document's tree when the
 * document closes.
 */
import type { Edit, Point, Tree } from 'web-tree-sitter';
import { parsePython } from './parser';

const CHUNK = 512;

/** The single edit that turns `before` into `after`, in tree-sitter's terms. */
export function editBetween(before: string, after: string): Edit | undefined {
  if (before === after) {
    return undefined;
  }
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  // Whole chunks first (a native comparison each), then character by character.
  while (start + CHUNK <= shorter && before.startsWith(after.slice(start, start + CHUNK), start)) {
    start += CHUNK;
  }
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) {
    start++;
  }
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd - CHUNK >= start && newEnd - CHUNK >= start && before.endsWith(after.slice(newEnd - CHUNK, newEnd), oldEnd)) {
    oldEnd -= CHUNK;
    newEnd -= CHUNK;
  }
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: pointAt(after, newEnd),
  } as Edit;
}

function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    row++;
    lineStart = at + 1;
  }
  return { row, column: offset - lineStart };
}

/** The latest tree and text of each open document. */
export class DocumentTrees {
  private readonly documents = new Map<string, { tree: Tree; text: string }>();

  /** The tree for the document's new text, re-parsed incrementally from the previous one. */
  update(key: string, text: string): Tree | undefined {
    const previous = this.documents.get(key);
    if (previous && previous.text === text) {
      return previous.tree;
    }
    let tree: Tree | undefined;
    if (previous) {
      const edit = editBetween(previous.text, text);
      if (edit) {
        previous.tree.edit(edit);
      }
      tree = parsePython(text, previous.tree);
      previous.tree.delete();
    } else {
      tree = parsePython(text);
    }
    if (tree) {
      this.documents.set(key, { tree, text });
    } else {
      this.documents.delete(key);
    }
    return tree;
  }

  /** Frees the document's tree. */
  close(key: string): void {
    this.documents.get(key)?.tree.delete();
    this.documents.delete(key);
  }

  /** Frees every tree. */
  dispose(): void {
    for (const key of [...this.documents.keys()]) {
      this.close(key);
    }
  }

  get size(): number {
    return this.documents.size;
  }
}
