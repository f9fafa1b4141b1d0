/**
 * Where an inlay hint goes and how long it may be. A hint placed at the layer's own end lands inside
 * an expression (`layers.Dense(64)⟨He ✓⟩(x)`, `nn.Linear(4, 4)⟨…⟩, nn.ReLU()`) and reads as code, so
 * it goes at the end of the code on the line where the layer's statement (or its line inside a
 * bracketed list) ends, before any trailing comment. Pure: no `vscode` import, testable in Node.
 */

/** A 0-based line and UTF-16 column. */
export interface TextPosition {
  line: number;
  character: number;
}

/** Lines looked at past the layer before giving up on finding the statement's end. */
const MAX_LOOKAHEAD_LINES = 50;

/** The longest hint label shown inline; longer ones are cut with `…` (the tooltip has it all). */
export const MAX_HINT_LENGTH = 48;

/** The state of a scan through Python code: brackets opened since the layer and still open, and the open string's quote. */
interface ScanState {
  /** A close of a bracket opened before the layer (its enclosing list or call) does not count. */
  depth: number;
  quote: string | undefined;
}

/**
 * Scans one line from `from`, updating the bracket depth and open string, and returns where its code
 * ends (before a comment and trailing blanks), and whether it ends with a line continuation.
 */
function scanLine(text: string, from: number, state: ScanState): { codeEnd: number; continued: boolean } {
  let i = from;
  let codeEnd = from;
  while (i < text.length) {
    if (state.quote) {
      if (text[i] === '\\') {
        i += 2;
        continue;
      }
      if (text.startsWith(state.quote, i)) {
        i += state.quote.length;
        state.quote = undefined;
        codeEnd = i;
        continue;
      }
      i++;
      codeEnd = i;
      continue;
    }
    const char = text[i]!;
    if (char === '#') {
      break;
    }
    if (char === '"' || char === "'") {
      state.quote = text.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
      i += state.quote.length;
      codeEnd = i;
      continue;
    }
    if ('([{'.includes(char)) {
      state.depth++;
    } else if (')]}'.includes(char)) {
      state.depth = Math.max(0, state.depth - 1);
    }
    i++;
    if (char !== ' ' && char !== '\t') {
      codeEnd = i;
    }
  }
  // A one-quote string does not run past its line (an unclosed one is a syntax error): close it.
  if (state.quote?.length === 1) {
    state.quote = undefined;
  }
  const continued = text.slice(0, codeEnd).endsWith('\\') && !state.quote;
  return { codeEnd: Math.max(codeEnd, Math.min(from, text.length)), continued };
}

/**
 * Where a hint for the expression ending at `end` reads as an annotation: the end of the code on the
 * line where the brackets opened after `end` close again (the statement's end, or the end of the
 * item's line in a multi-line list). Falls back to the end of `end`'s own line.
 */
export function hintPosition(lines: readonly string[], end: TextPosition): TextPosition {
  const state: ScanState = { depth: 0, quote: undefined };
  let line = end.line;
  let from = end.character;
  const ownLine = lines[end.line] ?? '';
  const fallback = { line: end.line, character: Math.max(end.character, scanLine(ownLine, end.character, { depth: 0, quote: undefined }).codeEnd) };
  while (line < lines.length && line <= end.line + MAX_LOOKAHEAD_LINES) {
    const { codeEnd, continued } = scanLine(lines[line]!, from, state);
    if (state.depth === 0 && !state.quote && !continued) {
      return { line, character: Math.max(codeEnd, line === end.line ? end.character : 0) };
    }
    line++;
    from = 0;
  }
  return fallback;
}

/** A label cut to `max` characters with `…`, and whether it was cut. */
export function truncateLabel(label: string, max: number = MAX_HINT_LENGTH): { text: string; truncated: boolean } {
  const chars = [...label];
  if (chars.length <= max) {
    return { text: label, truncated: false };
  }
  return {
    text: `${chars
      .slice(0, max - 1)
      .join('')
      .trimEnd()}…`,
    truncated: true,
  };
}
