/**
 * Several fixes at once (a whole file, or a whole model): identical edits are applied once
 * (one container loop serves every layer in it, one `import math` serves all), and a fix whose
 * edits overlap an earlier one's is left for the next round, so the result always parses.
 */
import type { Range } from '../graph';
import { fixesOf } from './findingsByRange';
import type { Finding, TextEdit } from './types';

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function overlaps(a: Range, b: Range): boolean {
  // Two insertions at the same point do not overlap; a replacement and anything inside it do.
  const aEmpty = a.start.line === a.end.line && a.start.column === a.end.column;
  const bEmpty = b.start.line === b.end.line && b.start.column === b.end.column;
  if (aEmpty && bEmpty) {
    return false;
  }
  return before(a.start, b.end) && before(b.start, a.end);
}

/**
 * The edits of every finding's fix, merged; findings without a fix are skipped. With
 * `everyInstance` (a whole file fixed), a finding that stands for instances calling for different
 * edits (a helper built in several containers) gives each of them, not only its first.
 */
export function mergeFixes(findings: Finding[], everyInstance = false): TextEdit[] {
  const chosen: TextEdit[] = [];
  const seen = new Set<string>();
  for (const fix of findings.flatMap((finding) => (everyInstance ? fixesOf(finding) : finding.fix ? [finding.fix] : []))) {
    const edits = fix.edits;
    const fresh = edits.filter((edit) => !seen.has(JSON.stringify(edit)));
    if (fresh.some((edit) => chosen.some((other) => overlaps(edit.range, other.range)))) {
      continue;
    }
    for (const edit of fresh) {
      seen.add(JSON.stringify(edit));
      chosen.push(edit);
    }
  }
  return chosen;
}
