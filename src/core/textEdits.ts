/**
 * Applies a fix's text edits to the text they were made for, as an editor applies a workspace
 * edit: every range refers to the original text (lines end at `\n`, `\r\n` or a lone `\r`, as
 * the graph counts them), so edits are applied from last to first. The CLI's `--fix` and
 * `--diff` write files through this.
 */
import type { TextEdit } from './advice/types';
import { LineTable } from './python/lines';

/** The text with the edits applied. Throws a RangeError when two edits overlap. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineTable(text);
  const resolved = edits
    .map((edit, index) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), newText: edit.newText, index }))
    // Last first; of two insertions at one point, the later one first, so the earlier ends up before it.
    .sort((a, b) => b.start - a.start || b.end - a.end || b.index - a.index);
  const pieces: string[] = [];
  let limit = text.length;
  for (const edit of resolved) {
    if (edit.end > limit || edit.end < edit.start) {
      throw new RangeError(`edit ${edit.index} overlaps another edit`);
    }
    pieces.push(text.slice(edit.end, limit), edit.newText);
    limit = edit.start;
  }
  pieces.push(text.slice(0, limit));
  return pieces.reverse().join('');
}
