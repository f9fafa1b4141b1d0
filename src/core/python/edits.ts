/**
 * Source edits that keep the file's own layout, on the syntax tree (./ast.ts nodes): set a keyword
 * argument of a call (one line stays one line, one argument per line gets a new line at the same
 * indentation, a trailing comma stays, a comment after the last argument stays on its line), and
 * insert statements after a statement at its indentation. Pure functions returning edits; line
 * breaks are the file's own (`\n`, `\r\n` or lone `\r`), see ./lines.ts.
 */
import type { Range } from '../graph';
import type { PyNode } from './ast';
import type { LineTable } from './lines';

/** A replacement of the text between two offsets. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** An edit in positions (0-based lines, UTF-16 columns), as fixes carry it. */
export interface PositionEdit {
  range: Range;
  newText: string;
}

/** An offset edit in the positions of the line table. */
export function toPositionEdit(lines: LineTable, edit: OffsetEdit): PositionEdit {
  return { range: { start: lines.positionAt(edit.start), end: lines.positionAt(edit.end) }, newText: edit.newText };
}

/** The keyword argument `name=` of a call, if written. */
export function keywordArgument(call: PyNode, name: string): PyNode | undefined {
  const list = call.fields.arguments;
  return list?.children.find((arg) => arg.type === 'keyword_argument' && arg.fields.name?.text === name);
}

/** Options of `setKeywordArgument`. */
export interface KeywordOptions {
  /**
   * The positional parameters before the keyword's one: with more positional arguments than this,
   * one may already set it, and no edit is made. Unlimited by default.
   */
  maxPositional?: number;
}

/**
 * The edit that makes a call pass `keyword=value`: the value replaced when the keyword is written,
 * else the argument added after the last one in the call's layout. Null when it cannot be done
 * safely: a syntax error in the call, not an argument list (a generator argument), `*args` /
 * `**kwargs` (they may set the keyword already), or too many positional arguments.
 */
export function setKeywordArgument(lines: LineTable, call: PyNode, keyword: string, value: string, options: KeywordOptions = {}): OffsetEdit | null {
  const text = lines.text;
  const list = call.fields.arguments;
  // A call the parser could not read whole (a syntax error inside) is left alone.
  if (call.hasError || !list || list.type !== 'argument_list' || text[list.endIndex - 1] !== ')') {
    return null;
  }
  const args = list.children;
  if (args.some((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat')) {
    return null;
  }
  const existing = keywordArgument(call, keyword)?.fields.value;
  if (existing) {
    return { start: existing.startIndex, end: existing.endIndex, newText: value };
  }
  const positional = args.filter((arg) => arg.type !== 'keyword_argument').length;
  if (positional > (options.maxPositional ?? Number.POSITIVE_INFINITY)) {
    return null;
  }
  const entry = `${keyword}=${value}`;
  const last = args[args.length - 1];
  if (!last) {
    return { start: list.startIndex + 1, end: list.startIndex + 1, newText: entry };
  }
  const comma = commaAfter(text, last.endIndex, list.endIndex - 1);
  const lastLine = lines.lineOf(last.startIndex);
  const ownLine = lastLine > lines.lineOf(list.startIndex) && text.slice(lines.lineStart(lastLine), last.startIndex).trim() === '';
  if (!ownLine) {
    // Arguments on the line of the parenthesis: add one after the last.
    return comma === null ? { start: last.endIndex, end: last.endIndex, newText: `, ${entry}` } : { start: comma + 1, end: comma + 1, newText: ` ${entry},` };
  }
  // One argument per line: a new line at the last argument's indentation, after any comment on its line.
  const indent = /^[ \t]*/.exec(lines.lineText(lastLine))![0];
  const newLine = `${lines.eol}${indent}${entry}`;
  if (comma !== null) {
    const end = restOfLineIsComment(lines, comma + 1) ? lines.lineEnd(lines.lineOf(comma)) : comma + 1;
    return { start: end, end, newText: `${newLine},` };
  }
  if (restOfLineIsComment(lines, last.endIndex)) {
    // `a  # why` becomes `a,  # why` and the new argument goes below: the comment stays with `a`.
    const end = lines.lineEnd(lastLine);
    return { start: last.endIndex, end, newText: `,${text.slice(last.endIndex, end)}${newLine}` };
  }
  return { start: last.endIndex, end: last.endIndex, newText: `,${newLine}` };
}

/** The offset of the comma after the last argument (before `close`), skipping spaces, line breaks and comments; null if none. */
function commaAfter(text: string, from: number, close: number): number | null {
  for (let i = from; i < close; i++) {
    const c = text[i]!;
    if (c === ',') {
      return i;
    }
    if (c === '#') {
      while (i + 1 < close && text[i + 1] !== '\n' && text[i + 1] !== '\r') {
        i++;
      }
    } else if (!/\s/.test(c)) {
      return null;
    }
  }
  return null;
}

/** True when the rest of the line from `offset` is blank or a comment. */
function restOfLineIsComment(lines: LineTable, offset: number): boolean {
  return /^[ \t]*(#.*)?$/.test(lines.text.slice(offset, lines.lineEnd(lines.lineOf(offset))));
}

/** The leading spaces and tabs of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** One indentation step of the file: a tab, or the spaces of its first indented line (at most 8), else four spaces. */
export function indentUnit(lines: LineTable): string {
  for (let line = 0; line < lines.lineCount; line++) {
    const indent = /^(\t| +)\S/.exec(lines.lineText(line));
    if (indent) {
      return indent[1] === '\t' ? '\t' : ' '.repeat(Math.min(8, indent[1]!.length));
    }
  }
  return '    ';
}

/** One line of inserted code, `depth` indentation steps below the statement it follows. */
export interface NewLine {
  depth: number;
  text: string;
}

/**
 * The edit that inserts lines right after a statement (at the end of its last line), at the
 * statement's indentation plus each line's depth in the file's indentation steps.
 */
export function insertAfterStatement(lines: LineTable, statement: Range, body: readonly NewLine[]): OffsetEdit {
  const indent = indentOf(lines.lineText(statement.start.line));
  const unit = indentUnit(lines);
  const at = lines.lineEnd(statement.end.line);
  const text = body.map((line) => `${lines.eol}${indent}${unit.repeat(line.depth)}${line.text}`).join('');
  return { start: at, end: at, newText: text };
}

/** True when a line holds only blanks or a comment (it does not end a block). */
function isBlankOrComment(text: string): boolean {
  return /^[ \t]*(#.*)?$/.test(text);
}

/**
 * The statement of `anchor`'s block (at `anchor`'s indentation, at or after it) that holds line
 * `line`, from its first line to the last line of its body: where code that must run after a later
 * write (an init loop below the layer) goes. Null when `line` is before the anchor or outside its
 * block (a line less indented comes between). Read from indentation, so a bracket closed less
 * indented than its block is misread: callers re-check the result (../verifiedFixes.ts).
 */
export function statementInBlock(lines: LineTable, anchor: Range, line: number): Range | null {
  if (line < anchor.start.line || line >= lines.lineCount) {
    return null;
  }
  if (line <= anchor.end.line) {
    return anchor;
  }
  const indent = indentOf(lines.lineText(anchor.start.line));
  const deeper = (text: string) => text.startsWith(indent) && /^[ \t]/.test(text.slice(indent.length));
  let start = anchor.start.line;
  for (let at = anchor.end.line + 1; at <= line; at++) {
    const text = lines.lineText(at);
    if (isBlankOrComment(text) || deeper(text)) {
      continue;
    }
    if (indentOf(text) !== indent) {
      return null; // the block ended before the line
    }
    start = at;
  }
  let end = line;
  for (let at = line + 1; at < lines.lineCount; at++) {
    const text = lines.lineText(at);
    if (deeper(text)) {
      end = at;
    } else if (!isBlankOrComment(text)) {
      break;
    }
  }
  return { start: { line: start, column: 0 }, end: { line: end, column: lines.lineText(end).length } };
}

/**
 * The quote for a new string literal: the one most used in `near` (the code being edited) when it
 * has quotes, else the one most of the file's one-line literals use (docstrings left out); `"` on a tie.
 */
export function preferredQuote(text: string, near?: { start: number; end: number }): string {
  if (near) {
    const slice = text.slice(near.start, near.end);
    const doubles = (slice.match(/"/g) ?? []).length;
    const singles = (slice.match(/'/g) ?? []).length;
    if (doubles + singles > 0) {
      return singles > doubles ? "'" : '"';
    }
  }
  const plain = text.replace(/'''[\s\S]*?'''|"""[\s\S]*?"""/g, '');
  const singles = (plain.match(/'[^'\n\r]*'/g) ?? []).length;
  const doubles = (plain.match(/"[^"\n\r]*"/g) ?? []).length;
  return singles > doubles ? "'" : '"';
}
