/**
 * Import statements read from text without parsing (framework detection, the import scan) use
 * multiline patterns anchored at a line start: `^[ \t]*import…`, `^[ \t]*from…`. Run over a whole
 * file, such a pattern is tried at every position; a 5,000-line file has a few imports. This finds
 * the same matches by trying the pattern only at the line starts where one of its leading words
 * follows the blanks, found with `indexOf`.
 */

/** Where `^` matches in a multiline pattern: the start of the text or after a line terminator. */
function atLineStart(text: string, index: number): boolean {
  if (index === 0) {
    return true;
  }
  const before = text.charCodeAt(index - 1);
  return before === 0x0a || before === 0x0d || before === 0x2028 || before === 0x2029;
}

/** The line starts (ascending) followed by blanks (` `, tab) and then one of `words`. */
function candidateStarts(text: string, words: readonly string[]): number[] {
  const starts = new Set<number>();
  for (const word of words) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
      let start = at;
      while (start > 0 && (text.charCodeAt(start - 1) === 0x20 || text.charCodeAt(start - 1) === 0x09)) {
        start--;
      }
      if (atLineStart(text, start)) {
        starts.add(start);
      }
    }
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * The matches `text.matchAll(pattern)` gives (in order, not overlapping), for a global multiline
 * `pattern` each of whose matches starts at a line start with `[ \t]*` and then one of `words`.
 * `first` stops after the first match (for a test).
 */
export function lineStartMatches(text: string, pattern: RegExp, words: readonly string[], first = false): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  const starts = candidateStarts(text, words);
  if (starts.length === 0) {
    return found;
  }
  // The same pattern, matched only where it is placed (sticky).
  const sticky = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}y`);
  let end = 0;
  for (const start of starts) {
    // As a global search does, a match never starts inside the previous one.
    if (start < end) {
      continue;
    }
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (match) {
      found.push(match);
      if (first) {
        return found;
      }
      end = start + Math.max(match[0].length, 1);
    }
  }
  return found;
}
