/**
 * The edit behind "Ignore init-relu on this line", as Ruff's noqa action makes it: an
 * `# init-lens: ignore[...]` on the finding's lines gets the code added (`[init-gain, init-relu]`);
 * otherwise `  # init-lens: ignore[code]` goes at the end of the finding's first line, after any
 * comment already there (`x = nn.Linear(4, 4)  # hidden  # init-lens: ignore[init-relu]`). A line
 * that ends inside a string or with a backslash cannot take a comment: the last line of the finding
 * is tried, and failing that no edit is offered rather than one that breaks the code.
 */
import type { Finding, TextEdit } from './advice/types';
import { commentsOf, type SourceComment } from './python/comments';
import { asParsed, LineTable } from './python/lines';
import { parsePython, type Node } from './python/parser';
import { covers, directivesIn } from './suppression';

/** The edit that silences the finding's rule on its line, or null when no safe edit exists. */
export function ignoreRuleEdit(text: string, finding: Finding): TextEdit | null {
  const normalized = asParsed(text);
  const tree = parsePython(normalized);
  if (!tree) {
    return null;
  }
  try {
    const comments = commentsOf(normalized, tree);
    const lines = new LineTable(text);
    const extended = extendDirective(lines, comments, finding);
    if (extended) {
      return extended;
    }
    const first = finding.range.start.line;
    const last = Math.max(first, finding.range.end.line);
    for (const line of first === last ? [first] : [first, last]) {
      const hasComment = comments.some((comment) => comment.line === line);
      const end = lines.lineEnd(line);
      const content = lines.lineText(line).replace(/\s+$/, '');
      if (hasComment || (!content.endsWith('\\') && !insideString(tree.rootNode, end))) {
        const at = lines.positionAt(lines.lineStart(line) + content.length);
        return { range: { start: at, end: lines.positionAt(end) }, newText: `  # init-lens: ignore[${finding.rule}]` };
      }
    }
    return null;
  } finally {
    tree.delete();
  }
}

/** Adds the code to an `# init-lens: ignore[...]` that is on the finding's lines (or alone above them). */
function extendDirective(lines: LineTable, comments: readonly SourceComment[], finding: Finding): TextEdit | null {
  for (const comment of comments) {
    for (const directive of directivesIn(comment)) {
      if (directive.kind !== 'ignore' || directive.codes === null || !covers({ ...directive, codes: null }, finding)) {
        continue;
      }
      const lineText = lines.lineText(directive.line);
      const close = lineText.indexOf(']', directive.column);
      if (close < 0) {
        continue;
      }
      const at = { line: directive.line, column: close };
      return { range: { start: at, end: at }, newText: `, ${finding.rule}` };
    }
  }
  return null;
}

/** True when the offset (a line's end) lies inside a string literal that goes on past it. */
function insideString(root: Node, offset: number): boolean {
  for (let node: Node | null = root.descendantForIndex(offset, offset); node; node = node.parent) {
    if (node.type === 'string' && node.startIndex < offset && node.endIndex > offset) {
      return true;
    }
  }
  return false;
}
