/**
 * The unified diff `check --diff` prints: applied to the old text it gives the new one, for any
 * two texts (line breaks `\n`, `\r\n`, lone `\r`, with or without a final break), with hunks and
 * headers as `diff -u` writes them.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { unifiedDiff } from '../../../src/node/unifiedDiff';
import { applyUnifiedDiff } from '../support/unifiedPatch';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a.py', 'x = 1\n', 'x = 1\n'), '');
  });

  it('prints headers, a hunk with three lines of context and 1-based ranges', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((line) => `${line}\n`).join('');
    const after = before.replace('e\n', 'e\nE2\n');
    assert.equal(unifiedDiff('m.py', before, after), '--- m.py\n+++ m.py\n@@ -3,6 +3,7 @@\n c\n d\n e\n+E2\n f\n g\n h\n');
  });

  it('marks a last line without a line break', () => {
    const diff = unifiedDiff('m.py', 'a\nb', 'a\nc');
    assert.equal(diff, '--- m.py\n+++ m.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
    assert.equal(applyUnifiedDiff('a\nb', diff), 'a\nc');
  });

  it('gives, applied to the old text, the new text (property, 300 runs)', () => {
    const line = fc.constantFrom('x = 1', 'y = 2', 'z', '', '    pass', 'import math');
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    const text = fc.array(fc.tuple(line, eol), { maxLength: 30 }).map((parts) => parts.map(([l, e]) => l + e).join(''));
    const tail = fc.constantFrom('', 'end');
    fc.assert(
      fc.property(text, tail, text, tail, (a, aTail, b, bTail) => {
        const before = a + aTail;
        const after = b + bTail;
        assert.equal(applyUnifiedDiff(before, unifiedDiff('f.py', before, after)), after);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
