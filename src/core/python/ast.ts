/**
 * A plain-JavaScript copy of the tree-sitter syntax tree, made in one cursor walk.
 * Every later pass reads this copy: node access through web-tree-sitter crosses into wasm on each
 * call, which is slow, while this copy is ordinary objects. The walk itself keeps those calls to a
 * minimum: one type id per node (names and the named flag come from per-language tables), offsets
 * only (rows and columns are computed here from a line table), field ids only under a parent, and
 * the MISSING flag only when the tree has errors.
 */
import type { Language, Tree, TreeCursor } from 'web-tree-sitter';
import type { Range } from '../graph';
import { lineAt } from './lines';

/** A syntax node: tree-sitter's type, named children and fields, and the text of leaves. */
export interface PyNode {
  type: string;
  /** Named children only (punctuation and keywords are dropped, operators kept in `operator`). */
  children: PyNode[];
  /** Children by field name (`function`, `arguments`, `left`, `right`, `name`, `body`, …). */
  fields: Record<string, PyNode>;
  /** Source text for leaves and small nodes (identifiers, numbers, strings, operators). */
  text: string;
  /** For binary/comparison/augmented/unary/boolean operators: the operator token(s). */
  operator: string;
  startIndex: number;
  endIndex: number;
  range: Range;
  hasError: boolean;
}

/** Node types whose text we keep (leaves and literals); for others text is filled lazily. */
const KEEP_TEXT = new Set(['identifier', 'integer', 'float', 'string', 'true', 'false', 'none', 'string_content']);
const OPERATOR_TOKEN = /^(?:[-+*/%@&|^~<>=!]+|not|in|is|and|or|is not|not in)$/;

/** Per-language lookup tables, filled on first use of each id. */
interface LanguageTables {
  types: string[];
  named: boolean[];
  operator: boolean[];
  fields: (string | null)[];
}

// A pure memo keyed by the immutable grammar (one per process; weakly held): each table entry is read
// from the language itself, so it cannot change any answer.
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const tablesByLanguage = new WeakMap<Language, LanguageTables>();

function tablesFor(language: Language): LanguageTables {
  let tables = tablesByLanguage.get(language);
  if (!tables) {
    tables = { types: [], named: [], operator: [], fields: [] };
    tablesByLanguage.set(language, tables);
  }
  return tables;
}

/** Start offsets of every line; like tree-sitter's rows, only LF ends a line. */
export function lineStarts(source: string): number[] {
  const starts = [0];
  let at = source.indexOf('\n');
  while (at >= 0) {
    starts.push(at + 1);
    at = source.indexOf('\n', at + 1);
  }
  return starts;
}

/** Converts an offset to row/column with a moving hint (offsets arrive nearly in order). */
class PositionFinder {
  private hint = 0;

  constructor(private readonly starts: number[]) {}

  at(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let line = this.hint;
    if (starts[line]! > offset) {
      line = lineAt(starts, offset, line);
    } else {
      while (line + 1 < starts.length && starts[line + 1]! <= offset) {
        line++;
      }
    }
    this.hint = line;
    return { line, column: offset - starts[line]! };
  }
}

/**
 * Where a top-level statement's subtree sits in the file. Every node of the subtree keeps its
 * offsets and lines relative to it, so that moving the statement (an edit above it) costs O(1):
 * the incremental analysis (../incremental/) re-anchors unchanged statements instead of copying them.
 */
export interface Anchor {
  index: number;
  line: number;
}

/** A PyNode whose positions are read through its statement's anchor. */
class AnchoredNode implements PyNode {
  children: PyNode[] = [];
  fields: Record<string, PyNode> = {};
  operator = '';

  constructor(
    public type: string,
    public text: string,
    public hasError: boolean,
    readonly anchor: Anchor,
    private readonly start: number,
    private readonly end: number,
    private readonly startLine: number,
    private readonly startColumn: number,
    private readonly endLine: number,
    private readonly endColumn: number,
  ) {}

  get startIndex(): number {
    return this.anchor.index + this.start;
  }

  get endIndex(): number {
    return this.anchor.index + this.end;
  }

  /** A fresh object on each read: callers may keep it (a Model's ranges) while the anchor moves on. */
  get range(): Range {
    const line = this.anchor.line;
    return { start: { line: line + this.startLine, column: this.startColumn }, end: { line: line + this.endLine, column: this.endColumn } };
  }
}

/** The anchor of a node made by this module (undefined for hand-made nodes). */
export function anchorOf(node: PyNode): Anchor | undefined {
  return node instanceof AnchoredNode ? node.anchor : undefined;
}

/** Copies subtrees of one tree at a cursor; `finish` completes the copies (operators, error flags). */
export class TreeCopier {
  private readonly language: Language;
  private readonly tables: LanguageTables;
  private readonly positions: PositionFinder;
  private readonly checkMissing: boolean;
  private readonly operatorsOf = new Map<PyNode, string[]>();

  constructor(
    tree: Tree,
    private readonly source: string,
    starts: number[] = lineStarts(source),
  ) {
    this.language = tree.language;
    this.tables = tablesFor(this.language);
    this.checkMissing = tree.rootNode.hasError;
    this.positions = new PositionFinder(starts);
  }

  /** The type name of a type id (and fills the tables). */
  typeOf(typeId: number): string {
    const tables = this.tables;
    let type = tables.types[typeId];
    if (type === undefined) {
      const language = this.language;
      type = language.nodeTypeForId(typeId) ?? 'ERROR';
      tables.types[typeId] = type;
      tables.named[typeId] = type === 'ERROR' || language.nodeTypeIsNamed(typeId);
      tables.operator[typeId] = OPERATOR_TOKEN.test(type);
    }
    return type;
  }

  /** True when the copy keeps nodes of this type id (named, not a comment). */
  keeps(typeId: number): boolean {
    const type = this.typeOf(typeId);
    return this.tables.named[typeId]! && type !== 'comment';
  }

  lineOf(offset: number): number {
    return this.positions.at(offset).line;
  }

  /** The node at the cursor without its children (the caller fills them), at a zero anchor. */
  shellAt(cursor: TreeCursor): PyNode {
    const type = this.typeOf(cursor.nodeTypeId);
    const startIndex = cursor.startIndex;
    const endIndex = cursor.endIndex;
    const start = this.positions.at(startIndex);
    const end = this.positions.at(endIndex);
    const text = KEEP_TEXT.has(type) || endIndex - startIndex <= 64 ? this.source.slice(startIndex, endIndex) : '';
    return new AnchoredNode(type, text, type === 'ERROR', { index: 0, line: 0 }, startIndex, endIndex, start.line, start.column, end.line, end.column);
  }

  /**
   * Copies the node at the cursor (which must be kept) and its subtree; the cursor ends where it
   * started. Nodes `anchorDepth` levels below it get anchors of their own, deeper ones share
   * their ancestor's, shallower ones a zero anchor.
   */
  copyAt(cursor: TreeCursor, anchorDepth: number): PyNode {
    const { source, tables, positions } = this;
    const stack: AnchoredNode[] = [];
    const zero: Anchor = { index: 0, line: 0 };
    let root: AnchoredNode | undefined;
    for (;;) {
      const typeId = cursor.nodeTypeId;
      const type = this.typeOf(typeId);
      const parent = stack[stack.length - 1];
      let entered: AnchoredNode | undefined;
      if (tables.named[typeId] && type !== 'comment') {
        const startIndex = cursor.startIndex;
        const endIndex = cursor.endIndex;
        const start = positions.at(startIndex);
        const end = positions.at(endIndex);
        const depth = stack.length;
        const anchor = depth < anchorDepth ? zero : depth === anchorDepth ? { index: startIndex, line: start.line } : parent!.anchor;
        const node = new AnchoredNode(
          type,
          KEEP_TEXT.has(type) || endIndex - startIndex <= 64 ? source.slice(startIndex, endIndex) : '',
          type === 'ERROR' || (this.checkMissing && cursor.nodeIsMissing),
          anchor,
          startIndex - anchor.index,
          endIndex - anchor.index,
          start.line - anchor.line,
          start.column,
          end.line - anchor.line,
          end.column,
        );
        if (parent) {
          parent.children.push(node);
          const field = fieldName(cursor.currentFieldId, this.language, tables);
          if (field && !(field in parent.fields)) {
            parent.fields[field] = node;
          }
        } else {
          root = node;
        }
        entered = node;
      } else if (parent && tables.operator[typeId]) {
        const list = this.operatorsOf.get(parent) ?? [];
        list.push(type);
        this.operatorsOf.set(parent, list);
      }
      if (entered && cursor.gotoFirstChild()) {
        stack.push(entered);
        continue;
      }
      // Leave nodes until a sibling exists; back at the start node, the copy is done.
      for (;;) {
        if (stack.length === 0) {
          if (!root) {
            throw new Error('empty syntax tree');
          }
          return root;
        }
        if (cursor.gotoNextSibling()) {
          break;
        }
        cursor.gotoParent();
        stack.pop();
      }
    }
  }

  /** Sets the operators collected during the copies and propagates error flags upward. */
  finish(root: PyNode): PyNode {
    for (const [node, operators] of this.operatorsOf) {
      node.operator = operators.join(' ');
    }
    this.operatorsOf.clear();
    if (this.checkMissing) {
      markErrors(root);
    }
    return root;
  }
}

/** Converts a tree into PyNodes. `source` is the parsed text (indices are UTF-16 offsets into it). */
export function toPyAst(tree: Tree, source: string): PyNode {
  const copier = new TreeCopier(tree, source);
  const cursor = tree.walk();
  try {
    // Top-level statements (one level below the module) get anchors of their own.
    return copier.finish(copier.copyAt(cursor, 1));
  } finally {
    cursor.delete();
  }
}

function fieldName(fieldId: number, language: Language, tables: LanguageTables): string | null {
  if (fieldId === 0) {
    return null;
  }
  let name = tables.fields[fieldId];
  if (name === undefined) {
    name = language.fieldNameForId(fieldId);
    tables.fields[fieldId] = name;
  }
  return name;
}

/** Propagates `hasError` upward (iteratively: nesting can be thousands deep). */
function markErrors(root: PyNode): void {
  const order: PyNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    stack.push(...node.children);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (!node.hasError && node.children.some((child) => child.hasError)) {
      node.hasError = true;
    }
  }
}
