/**
 * A unified diff of two texts, as `diff -u` and `ruff check --diff` print it: `---`/`+++` headers,
 * `@@ -a,b +c,d @@` hunks with three lines of context, and `\ No newline at end of file` where a
 * last line has no line break. Lines are split at `\n` (a `\r` stays part of its line), so
 * `patch` applies the result byte for byte. The line matching is Myers' O(ND) algorithm.
 */

/** Context lines around each change. */
const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

/** The text's lines, each with its `\n` (the last may have none). */
function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** The shortest edit script from `a` to `b` (Myers 1986), as a list of kept, removed and added lines. */
function editScript(a: string[], b: string[]): Op[] {
  const max = a.length + b.length;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= a.length && y >= b.length) {
        found = true;
        break;
      }
    }
    v = next;
  }
  // Walk the trace back from the end.
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const at = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at[offset + k - 1]! < at[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push({ kind: '+', line: b[--y]! });
      } else {
        ops.push({ kind: '-', line: a[--x]! });
      }
    }
  }
  return ops.reverse();
}

/** The edit script, with the common first and last lines matched before Myers runs on the middle (fixes change few lines). */
function trimmedEditScript(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail++;
  }
  const kept = (lines: string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  const middle = editScript(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...kept(a.slice(0, head)), ...middle, ...kept(a.slice(a.length - tail))];
}

/** One line of a hunk, with the marker for a missing final line break. */
function hunkLine(op: Op): string {
  return op.line.endsWith('\n') ? `${op.kind}${op.line}` : `${op.kind}${op.line}\n\\ No newline at end of file\n`;
}

/** A hunk range: `start,count`, with start the line before when the count is 0, as diff prints it. */
function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}

/** The unified diff from `before` to `after` under the name `file`; empty when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) {
    return '';
  }
  const ops = trimmedEditScript(splitLines(before), splitLines(after));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  let out = `--- ${file}\n+++ ${file}\n`;
  let i = 0;
  while (i < changed.length) {
    // Grow the hunk while the next change is within two contexts of the last.
    let last = changed[i]!;
    let j = i + 1;
    while (j < changed.length && changed[j]! - last <= 2 * CONTEXT) {
      last = changed[j++]!;
    }
    const start = Math.max(0, changed[i]! - CONTEXT);
    const end = Math.min(ops.length, last + CONTEXT + 1);
    let oldStart = 0;
    let newStart = 0;
    for (const op of ops.slice(0, start)) {
      oldStart += op.kind === '+' ? 0 : 1;
      newStart += op.kind === '-' ? 0 : 1;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out += `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${hunk.map(hunkLine).join('')}`;
    i = j;
  }
  return out;
}
