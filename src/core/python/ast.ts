/**
 * A plain-JavaScript copy of the tree-sitter syntax tree, made in one cursor walk.
 * Every later pass reads this copy: node access through web-tree-sitter crosses into wasm on each
 * call, which is slow, while this copy is ordinary objects.
 */
import type { Tree } from 'web-tree-sitter';
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
const KEEP_TEXT = new Set(['identifier', 'integer', 'float', 'string', 'true', 'false', 'none', 'string_content', 'comment']);

/** Converts a tree into PyNodes. `source` is the parsed text (indices are UTF-16 offsets into it). */
export function toPyAst(tree: Tree, source: string): PyNode {
  const cursor = tree.walk();
  const stack: PyNode[] = [];
  let root: PyNode | undefined;
  const operatorsOf = new Map<PyNode, string[]>();
  // Iterative pre-order walk; named nodes become PyNodes, anonymous ones may be operators.
  for (;;) {
    const type = cursor.nodeType;
    const named = cursor.nodeIsNamed;
    const parent = stack[stack.length - 1];
    let entered: PyNode | undefined;
    if (named && type === 'comment') {
      // Comments are extras: they may sit between any two nodes and carry no meaning here.
    } else if (named) {
      const startPosition = cursor.startPosition;
      const endPosition = cursor.endPosition;
      const node: PyNode = {
        type,
        children: [],
        fields: {},
        text: '',
        operator: '',
        startIndex: cursor.startIndex,
        endIndex: cursor.endIndex,
        range: {
          start: { line: startPosition.row, column: startPosition.column },
          end: { line: endPosition.row, column: endPosition.column },
        },
        hasError: type === 'ERROR' || cursor.nodeIsMissing,
      };
      if (KEEP_TEXT.has(type) || node.endIndex - node.startIndex <= 64) {
        node.text = source.slice(node.startIndex, node.endIndex);
      }
      if (parent) {
        parent.children.push(node);
        const field = cursor.currentFieldName;
        if (field && !(field in parent.fields)) {
          parent.fields[field] = node;
        }
      } else {
        root = node;
      }
      entered = node;
    } else if (parent && !named) {
      const field = cursor.currentFieldName;
      if (field === 'operator' || field === 'operators' || /^(?:[-+*/%@&|^~<>=!]+|not|in|is|and|or|is not|not in)$/.test(type)) {
        const list = operatorsOf.get(parent) ?? [];
        list.push(type);
        operatorsOf.set(parent, list);
      }
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
        finishOperators(operatorsOf);
        if (!root) {
          throw new Error('empty syntax tree');
        }
        markErrors(root);
        return root;
      }
      stack.pop();
    }
  }
}

function finishOperators(operatorsOf: Map<PyNode, string[]>): void {
  for (const [node, operators] of operatorsOf) {
    node.operator = operators.join(' ');
  }
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

/** The source text of any node. */
export function nodeText(node: PyNode, source: string): string {
  return node.text || source.slice(node.startIndex, node.endIndex);
}
