/**
 * A plain-JavaScript copy of the tree-sitter syntax tree, made in one cursor walk.
 * Every later pass reads this copy: node access through web-tree-sitter crosses into wasm on each
 * call, which is slow, while this copy is ordinary objects. The walk itself keeps those calls to a
 * minimum: one type id per node (names and the named flag come from per-language tables), offsets
 * only (rows and columns are computed here from a line table), field ids only under a parent, and
 * the MISSING flag only when the tree has errors.
 */
import type { Language, Tree } from 'web-tree-sitter';
import type { Range } from '../graph';

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
function lineStarts(source: string): number[] {
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
      let low = 0;
      let high = line;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (starts[mid]! <= offset) {
          low = mid;
        } else {
          high = mid - 1;
        }
      }
      line = low;
    } else {
      while (line + 1 < starts.length && starts[line + 1]! <= offset) {
        line++;
      }
    }
    this.hint = line;
    return { line, column: offset - starts[line]! };
  }
}

/** Converts a tree into PyNodes. `source` is the parsed text (indices are UTF-16 offsets into it). */
export function toPyAst(tree: Tree, source: string): PyNode {
  const language = tree.language;
  const tables = tablesFor(language);
  const checkMissing = tree.rootNode.hasError;
  const positions = new PositionFinder(lineStarts(source));
  const cursor = tree.walk();
  const stack: PyNode[] = [];
  let root: PyNode | undefined;
  const operatorsOf = new Map<PyNode, string[]>();
  for (;;) {
    const typeId = cursor.nodeTypeId;
    let type = tables.types[typeId];
    if (type === undefined) {
      type = language.nodeTypeForId(typeId) ?? 'ERROR';
      tables.types[typeId] = type;
      tables.named[typeId] = type === 'ERROR' || language.nodeTypeIsNamed(typeId);
      tables.operator[typeId] = OPERATOR_TOKEN.test(type);
    }
    const parent = stack[stack.length - 1];
    let entered: PyNode | undefined;
    if (tables.named[typeId] && type !== 'comment') {
      const startIndex = cursor.startIndex;
      const endIndex = cursor.endIndex;
      const node: PyNode = {
        type,
        children: [],
        fields: {},
        text: KEEP_TEXT.has(type) || endIndex - startIndex <= 64 ? source.slice(startIndex, endIndex) : '',
        operator: '',
        startIndex,
        endIndex,
        range: { start: positions.at(startIndex), end: positions.at(endIndex) },
        hasError: type === 'ERROR' || (checkMissing && cursor.nodeIsMissing),
      };
      if (parent) {
        parent.children.push(node);
        const field = fieldName(cursor.currentFieldId, language, tables);
        if (field && !(field in parent.fields)) {
          parent.fields[field] = node;
        }
      } else {
        root = node;
      }
      entered = node;
    } else if (parent && tables.operator[typeId]) {
      const list = operatorsOf.get(parent) ?? [];
      list.push(type);
      operatorsOf.set(parent, list);
    }
    if (entered && cursor.gotoFirstChild()) {
      stack.push(entered);
      continue;
    }
    // Leave nodes until a sibling exists.
    for (;;) {
      if (cursor.gotoNextSibling()) {
        break;
      }
      if (!cursor.gotoParent()) {
        cursor.delete();
        for (const [node, operators] of operatorsOf) {
          node.operator = operators.join(' ');
        }
        if (!root) {
          throw new Error('empty syntax tree');
        }
        if (checkMissing) {
          markErrors(root);
        }
        return root;
      }
      stack.pop();
    }
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
