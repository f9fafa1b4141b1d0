/** applyTextEdits: edits on the original text's positions, any line break, insertions in order, overlaps refused. */
import * as assert from 'node:assert/strict';
import { applyTextEdits } from '../../../src/core/textEdits';

const at = (line: number, column: number) => ({ line, column });

describe('applyTextEdits', () => {
  it('applies edits given in any order against the original positions', () => {
    const text = 'a = 1\nb = 2\nc = 3\n';
    const edits = [
      { range: { start: at(2, 4), end: at(2, 5) }, newText: '30' },
      { range: { start: at(0, 0), end: at(0, 0) }, newText: 'import math\n' },
    ];
    assert.equal(applyTextEdits(text, edits), 'import math\na = 1\nb = 2\nc = 30\n');
  });

  it('counts lines at \\r\\n and at a lone \\r, as the graph does', () => {
    assert.equal(applyTextEdits('a\r\nb\rc\n', [{ range: { start: at(2, 0), end: at(2, 1) }, newText: 'C' }]), 'a\r\nb\rC\n');
    assert.equal(applyTextEdits('a\r\nb\rc\n', [{ range: { start: at(1, 1), end: at(1, 1) }, newText: '!' }]), 'a\r\nb!\rc\n');
  });

  it('keeps two insertions at one point in the order given', () => {
    const point = { start: at(0, 1), end: at(0, 1) };
    assert.equal(
      applyTextEdits('ab', [
        { range: point, newText: '1' },
        { range: point, newText: '2' },
      ]),
      'a12b',
    );
  });

  it('refuses overlapping edits', () => {
    assert.throws(
      () =>
        applyTextEdits('abcdef', [
          { range: { start: at(0, 0), end: at(0, 3) }, newText: 'x' },
          { range: { start: at(0, 2), end: at(0, 4) }, newText: 'y' },
        ]),
      RangeError,
    );
  });
});
