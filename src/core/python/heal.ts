/**
 * Line-level repairs for Python that is being typed, used only when a block fails to parse: a
 * compound statement's missing `:` is added, and a statement whose bracket is never closed (the
 * next statement starts at its indentation) or a stray closing bracket becomes `pass`. Line count
 * and every other line stay as they are, so positions in the rest of the block do not move.
 */

const HEADER = /^\s*(class|def|async\s+def|if|elif|else|for|async\s+for|while|with|async\s+with|try|except|finally)\b/;
const STATEMENT_START =
  /^\s*(self\.|return\b|def\b|class\b|if\b|elif\b|else\b|for\b|while\b|with\b|try\b|except\b|finally\b|raise\b|assert\b|import\b|from\b|@|[A-Za-z_][\w.]*\s*(=[^=]|\+=|-=|\*=|\/=|:))/;

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].replace(/\t/g, '        ').length;
}

/** One pass over a line: its code without the comment (quotes respected), the bracket depth change, and whether it closes more than it opened at some point. */
function scanLine(line: string): { code: string; delta: number; underflow: boolean } {
  let depth = 0;
  let underflow = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      return { code: line.slice(0, i), delta: depth, underflow };
    } else if ('([{'.includes(c)) {
      depth++;
    } else if (')]}'.includes(c)) {
      depth--;
      if (depth < 0) {
        underflow = true;
      }
    }
  }
  return { code: line, delta: depth, underflow };
}

function blank(line: string, withPass: boolean): string {
  return withPass ? `${/^[ \t]*/.exec(line)![0]}pass` : '';
}

/** Repairs the lines in place where the heuristics apply; returns whether anything changed. */
export function healLines(lines: string[]): boolean {
  let changed = false;
  let openerLine = -1;
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const { code: text, delta, underflow } = scanLine(line);
    if (text.trim() === '' || /^\s*("""|''')/.test(text)) {
      continue;
    }
    if (depth > 0 && indentOf(line) <= indentOf(lines[openerLine]!) && STATEMENT_START.test(text)) {
      // The statement opened at openerLine never closed its bracket: drop it.
      for (let j = openerLine; j < i; j++) {
        lines[j] = blank(lines[j]!, j === openerLine);
      }
      changed = true;
      depth = 0;
    }
    if (depth === 0 && underflow) {
      lines[i] = blank(line, true);
      changed = true;
      continue;
    }
    if (depth === 0 && delta > 0) {
      openerLine = i;
    }
    depth = Math.max(0, depth + delta);
    if (depth === 0 && HEADER.test(text) && !/:\s*$/.test(text) && !/\\\s*$/.test(text)) {
      lines[i] = `${text.replace(/\s+$/, '')}:${line.slice(text.length)}`;
      changed = true;
    }
  }
  if (depth > 0 && openerLine >= 0) {
    for (let j = openerLine; j < lines.length; j++) {
      lines[j] = blank(lines[j]!, j === openerLine);
    }
    changed = true;
  }
  return changed;
}
