/**
 * Splits Python source into top-level blocks by indentation: a line that starts at column 0
 * (not a comment, not a continuation inside brackets we cannot trust) opens a new block. Used when
 * the whole-file parse has errors, so that each class is parsed on its own: tree-sitter's error
 * recovery still finds the calls after a break but folds the later classes into the broken one, which
 * would give their layers the wrong owner.
 */

/** One top-level block: its text and where it starts. */
export interface TopLevelBlock {
  text: string;
  startLine: number;
  startIndex: number;
}

/** Splits the text into top-level blocks; decorators stay with the definition they decorate. */
export function splitTopLevelBlocks(text: string): TopLevelBlock[] {
  const blocks: TopLevelBlock[] = [];
  const lines = text.split('\n');
  let start = 0;
  let startIndex = 0;
  let index = 0;
  let previousWasDecorator = false;
  const insideString = linesInsideStrings(lines);
  for (let line = 0; line < lines.length; line++) {
    const content = lines[line]!;
    const inString = insideString[line]!;
    const opensBlock = !inString && line > start && /^[A-Za-z_@]/.test(content) && !previousWasDecorator && !/^(else|elif|except|finally)\b/.test(content);
    if (opensBlock) {
      // The lines start..line-1 joined by '\n' are exactly this slice of the text (lines come from split('\n')).
      blocks.push({ text: text.slice(startIndex, index - 1), startLine: start, startIndex });
      start = line;
      startIndex = index;
    }
    if (!inString && /^\S/.test(content)) {
      previousWasDecorator = content.startsWith('@');
    }
    index += content.length + 1;
  }
  blocks.push({ text: text.slice(startIndex), startLine: start, startIndex });
  return blocks;
}

/**
 * For each line, whether it starts inside a triple-quoted string that spans lines: such lines
 * never open a block (a module docstring's text often starts at column 0). A string still open
 * at the end of the file is a quote being typed: it hides nothing, or one `"""` would fold every
 * later class into one block.
 */
function linesInsideStrings(lines: string[]): boolean[] {
  const inside: boolean[] = [];
  let open: string | null = null;
  let openedAt = -1;
  lines.forEach((line, index) => {
    inside.push(open !== null);
    const after = tripleQuoteAfter(line, open);
    if (open === null && after !== null) {
      openedAt = index;
    }
    open = after;
  });
  if (open !== null) {
    inside.fill(false, openedAt + 1);
  }
  return inside;
}

/** The triple quote still open after the line (`"""` or `\'\'\'`), given the one open before it; comments and one-line strings are skipped roughly. */
function tripleQuoteAfter(line: string, open: string | null): string | null {
  // Most lines have no quote at all: the scan below would then end with `open` unchanged.
  if (!line.includes('"') && !line.includes("'")) {
    return open;
  }
  let quote = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === null && c === '#') {
      return null;
    }
    if (c !== '"' && c !== "'") {
      continue;
    }
    if (line.startsWith(c.repeat(3), i)) {
      if (quote === null) {
        quote = c.repeat(3);
      } else if (quote === c.repeat(3)) {
        quote = null;
      }
      i += 2;
    } else if (quote === null) {
      // A one-line string: skip to its closing quote.
      const close = line.indexOf(c, i + 1);
      if (close < 0) {
        return null;
      }
      i = close;
    }
  }
  return quote;
}
