/**
 * The range a finding's squiggle underlines: the layer's constructor name (`layers.Dense`,
 * `nn.Linear`), not the whole call, which for a multi-line call is a block of wavy lines. Pure: no
 * `vscode` import, so the Problems panel, the code actions and the tests agree on one range.
 */
import type { Range } from '../core/graph';

/**
 * From the range's start to the `(` of its call on the first line (trailing blanks dropped); a range
 * with no call on its first line keeps that line's part of the range.
 */
export function squiggleRange(range: Range, firstLine: string | undefined): Range {
  if (firstLine === undefined || range.start.line < 0) {
    return range;
  }
  const lineEnd = range.end.line === range.start.line ? range.end.column : firstLine.length;
  const open = firstLine.indexOf('(', range.start.column);
  const end = open > range.start.column && open < lineEnd ? open : lineEnd;
  const callee = firstLine.slice(range.start.column, end).trimEnd();
  if (callee.length === 0) {
    return range;
  }
  return { start: range.start, end: { line: range.start.line, column: range.start.column + callee.length } };
}

/** A text's lines by number (split once, on first use), undefined past its end. */
export function lineReader(text: string): (line: number) => string | undefined {
  let lines: string[] | undefined;
  return (line) => {
    lines ??= text.split(/\r\n|\r|\n/);
    return line >= 0 ? lines[line] : undefined;
  };
}
