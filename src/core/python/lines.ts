/**
 * The line table of a source text: offsets ↔ positions as the graph counts them. Tree-sitter
 * itself ends a row only at `\n` (a `\r` before it stays in the row's columns, a lone `\r` does
 * not end a row and does not even parse), so the analysis parses the text with every lone `\r`
 * turned into `\n` (same length, same offsets): a graph row ends at `\n`, `\r\n` or a lone `\r`,
 * exactly where the editor ends a line. Columns are UTF-16 code units of the line, as
 * web-tree-sitter reports them for a JavaScript string and as editors take them.
 */
import type { Position } from '../graph';

/** Offsets ↔ positions for one text; line breaks are `\n`, `\r\n` and lone `\r`. */
export class LineTable {
  /** The offset where each line starts. */
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    if (!text.includes('\r')) {
      // The usual text, \n only: indexOf finds the breaks several times faster than a loop over
      // every character (the fix spellers build a table of the whole file on every analysis).
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        starts.push(i + 1);
      }
    } else {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) {
          starts.push(i + 1);
        }
      }
    }
    this.starts = starts;
  }

  /** The number of lines (a text ending with a line break has an empty last line). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** The offset where a line starts (lines outside the text are clamped to the first or last). */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** The offset where a line's content ends (before its line break). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) {
      return this.text.length;
    }
    const next = this.starts[line + 1]!;
    // `\r\n` is one break of two characters; `\n` and a lone `\r` are one character.
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }

  /** A line's content without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The line an offset is on (an offset inside a line break belongs to the line it ends). */
  lineOf(offset: number): number {
    return lineAt(this.starts, offset);
  }

  /** The position of an offset. */
  positionAt(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, column: offset - this.starts[line]! };
  }

  /** The offset of a position; a column past the end of its line is clamped to the line's end. */
  offsetAt(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.starts.length - 1));
    return Math.min(this.starts[line]! + Math.max(0, position.column), this.lineEnd(line));
  }

  /** The text between two positions. */
  slice(start: Position, end: Position): string {
    return this.text.slice(this.offsetAt(start), this.offsetAt(end));
  }

  /** The line break new lines should use: the file's first one (`\n` when it has none). */
  get eol(): string {
    return firstLineBreak(this.text);
  }
}

/** The text's first line break (`\n`, `\r\n` or `\r`), `\n` when it has none; reads only up to it. */
export function firstLineBreak(text: string): string {
  const match = /\r\n|\r|\n/.exec(text);
  return match ? match[0] : '\n';
}

/** The index of the last line start at or before `offset` in `starts` (ascending, from 0 up to `high`). */
export function lineAt(starts: readonly number[], offset: number, high = starts.length - 1): number {
  let low = 0;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

/** The text as the analysis parses it: a lone `\r` read as `\n` (same length, same offsets). */
export function asParsed(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}
