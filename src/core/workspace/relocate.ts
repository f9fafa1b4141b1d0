/**
 * From the virtual source back to files: a position in an imported file's part of the virtual
 * source (./parsedModule.ts) becomes a position in that file, and its range says which file
 * (`Range.path`). Notes that name a line of an imported file name the file too. (A class an
 * import brings in is its own file's model: the frameworks build models of the analysed file's
 * definitions only, python/eval/imports.ts `inFile`.)
 */
import type { FileGraph, Position, Range } from '../graph';

/** Where an imported file starts in the virtual source (line of its first line). */
export interface Segment {
  path: string;
  line: number;
}

/** The segment a virtual line falls in, or undefined for a line of the analysed file. */
function segmentOf(segments: readonly Segment[], line: number): Segment | undefined {
  let found: Segment | undefined;
  for (const segment of segments) {
    if (segment.line > line) {
      break;
    }
    found = segment;
  }
  return found;
}

function isPosition(value: unknown): value is Position {
  const record = value as Record<string, unknown> | undefined;
  return typeof record === 'object' && record !== null && typeof record.line === 'number' && typeof record.column === 'number';
}

function isRange(value: unknown): value is Range {
  const record = value as Record<string, unknown>;
  return isPosition(record.start) && isPosition(record.end);
}

/** Moves the ranges of `graph` in place (each object once) and rewrites the notes. */
export function relocateGraph(graph: FileGraph, segments: readonly Segment[], show: (path: string) => string): void {
  if (segments.length === 0) {
    return;
  }
  const first = segments[0]!.line;
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) {
      return;
    }
    seen.add(value);
    if (isRange(value)) {
      relocateRange(value, segments, first, seen);
      return;
    }
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      visit(item);
    }
  };
  visit(graph.models);
  graph.notes = graph.notes.map((note) =>
    note.replace(/\bline (\d+)\b/g, (text, digits: string) => {
      const line = Number(digits) - 1;
      const segment = line >= first ? segmentOf(segments, line) : undefined;
      return segment ? `${show(segment.path)} line ${line - segment.line + 1}` : text;
    }),
  );
}

function relocateRange(range: Range, segments: readonly Segment[], first: number, seen: Set<object>): void {
  if (range.path !== undefined || range.start.line < first) {
    return;
  }
  const segment = segmentOf(segments, range.start.line);
  if (!segment) {
    return;
  }
  range.path = segment.path;
  for (const position of [range.start, range.end]) {
    if (!seen.has(position)) {
      seen.add(position);
      position.line -= segment.line;
    }
  }
}
