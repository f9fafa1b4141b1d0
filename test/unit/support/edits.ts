/**
 * Applies text edits (0-based lines, UTF-16 columns, as in `Fix.edits`) to a text, the way an
 * editor would: every range refers to the original text, so edits are applied from last to first.
 */
import type { Position, Range } from '../../../src/core/graph';

/** A text edit as fixes carry it. */
export interface Edit {
  range: Range;
  newText: string;
}

/**
 * Offsets in `text` where each line starts. Lines end at `\n`, `\r\n` or a lone `\r`, as in an
 * editor and in the graph (the analysis reads a lone `\r` as a line break).
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * The UTF-16 offset of a position. Throws for a line past the end of the text or a column past
 * the end of its line (the line break, `\r\n`, `\n` or `\r`, is not part of the line).
 */
export function offsetAt(text: string, starts: number[], position: Position): number {
  const start = starts[position.line];
  if (start === undefined || position.column < 0) {
    throw new RangeError(`position ${position.line}:${position.column} is outside the text (${starts.length} lines)`);
  }
  const terminated = position.line + 1 < starts.length;
  let end = terminated ? starts[position.line + 1]! - 1 : text.length;
  if (terminated && end > start && text.charCodeAt(end) === 10 && text.charCodeAt(end - 1) === 13) {
    end -= 1;
  }
  if (start + position.column > end) {
    throw new RangeError(`column ${position.column} is past the end of line ${position.line} (length ${end - start})`);
  }
  return start + position.column;
}

/** The text with the edits applied. Edits must not overlap; throws when two do or a range is outside the text. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const starts = lineStarts(text);
  const resolved = edits
    .map((edit, index) => ({ start: offsetAt(text, starts, edit.range.start), end: offsetAt(text, starts, edit.range.end), newText: edit.newText, index }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.index - a.index);
  let out = text;
  let limit = Number.POSITIVE_INFINITY;
  for (const edit of resolved) {
    if (edit.end < edit.start) {
      throw new RangeError(`edit ${edit.index} ends before it starts`);
    }
    if (edit.end > limit) {
      throw new RangeError(`edit ${edit.index} overlaps a later edit`);
    }
    out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}
