/**
 * Applies a unified diff of one file to its text, as `patch` would, strictly: every context and
 * removed line must match, so a test can check that a printed diff is exactly a change.
 */
import * as assert from 'node:assert/strict';

/** The patches of a multi-file diff, by the name on its `+++` line. */
export function splitDiff(diff: string): Map<string, string> {
  const files = new Map<string, string>();
  const parts = diff.split(/^(?=--- )/m).filter((part) => part !== '');
  for (const part of parts) {
    const name = /^\+\+\+ (.*)$/m.exec(part)?.[1];
    assert.ok(name, `a +++ line in:\n${part}`);
    files.set(name, part);
  }
  return files;
}

/** The text with one file's unified diff applied; throws when a line does not match. */
export function applyUnifiedDiff(text: string, patch: string): string {
  const old = text === '' ? [] : text.split(/(?<=\n)/);
  const out: string[] = [];
  let at = 0;
  const lines = patch.split(/(?<=\n)/);
  for (let i = 2; i < lines.length; i++) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@\n$/.exec(lines[i]!);
    assert.ok(header, `a hunk header at line ${i + 1}: ${JSON.stringify(lines[i])}`);
    const start = Number(header[2] ?? 1) === 0 ? Number(header[1]) : Number(header[1]) - 1;
    out.push(...old.slice(at, start));
    at = start;
    for (i += 1; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const marker = lines[i]![0];
      let line = lines[i]!.slice(1);
      if (lines[i + 1]?.startsWith('\\')) {
        // "\ No newline at end of file": the line before has no line break.
        line = line.slice(0, -1);
        i += 1;
      }
      if (marker === '+') {
        out.push(line);
        continue;
      }
      assert.equal(old[at], line, `line ${at + 1} of the original`);
      if (marker === ' ') {
        out.push(line);
      }
      at += 1;
    }
    i -= 1;
  }
  out.push(...old.slice(at));
  return out.join('');
}
