/** Where inlay hints go (never inside an expression), how long they may be, and what a squiggle underlines. */
import * as assert from 'node:assert/strict';
import { hintPosition, MAX_HINT_LENGTH, truncateLabel } from '../../../src/editor/hintPlacement';
import { lineReader, squiggleRange } from '../../../src/editor/squiggle';

/** The line with the hint's place marked by `|`. */
function placed(text: string, end: { line: number; character: number }): string {
  const lines = text.split('\n');
  const at = hintPosition(lines, end);
  const line = lines[at.line]!;
  return `${line.slice(0, at.character)}|${line.slice(at.character)}`;
}

describe('inlay hint placement', () => {
  it("puts a Keras functional layer's hint after `(x)`, not between `)` and `(x)`", () => {
    const line = 'x = layers.Dense(64, activation="relu")(x)';
    assert.equal(placed(line, { line: 0, character: line.indexOf('(x)') }), `${line}|`);
  });

  it('goes before a trailing comment, so it does not read as part of it', () => {
    const line = 'x = layers.Dense(64)(x)  # the (head)';
    assert.equal(placed(line, { line: 0, character: 'x = layers.Dense(64)'.length }), 'x = layers.Dense(64)(x)|  # the (head)');
  });

  it("follows a call whose argument list opens on the layer's line and closes below", () => {
    const text = 'x = layers.Dense(64)(\n    x,\n)  # done\ny = 1';
    assert.equal(placed(text, { line: 0, character: 'x = layers.Dense(64)'.length }), ')|  # done');
  });

  it('ends a layer inside a multi-line list at its own line, after the comma', () => {
    const text = 'self.net = nn.Sequential(\n    nn.Linear(4, 4),\n    nn.ReLU(),\n)';
    assert.equal(placed(text, { line: 1, character: '    nn.Linear(4, 4)'.length }), '    nn.Linear(4, 4),|');
  });

  it('ends layers of a one-line list at the end of the statement (they share the place)', () => {
    const line = 'self.net = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8))';
    const lines = [line];
    const first = hintPosition(lines, { line: 0, character: line.indexOf(', nn.ReLU') });
    const second = hintPosition(lines, { line: 0, character: line.length - 1 });
    assert.deepEqual(first, { line: 0, character: line.length });
    assert.deepEqual(second, first);
  });

  it("follows a call opened after the enclosing list closes on the layer's line", () => {
    const text = 'net = build([nn.Linear(4, 4)], wrap(\n    x,\n))\nafter = 1';
    assert.equal(placed(text, { line: 0, character: 'net = build([nn.Linear(4, 4)'.length }), '))|');
  });

  it('is not fooled by brackets and hashes inside strings, or by a line continuation', () => {
    const line = 'x = layers.Dense(64, name="a)#(")(x)';
    assert.equal(placed(line, { line: 0, character: line.indexOf('(x)') }), `${line}|`);
    const text = 'x = layers.Dense(64)(x) \\\n    + y\nz = 2';
    assert.equal(placed(text, { line: 0, character: 'x = layers.Dense(64)'.length }), '    + y|');
  });

  it("stays on the layer's line at a sensible place when the brackets never close", () => {
    const line = 'x = layers.Dense(64)(';
    const at = hintPosition([line, '    x'], { line: 0, character: 'x = layers.Dense(64)'.length });
    assert.deepEqual(at, { line: 0, character: line.length }, "an unclosed call falls back to the end of the layer's line");
    const alone = hintPosition([line], { line: 0, character: 'x = layers.Dense(64)'.length });
    assert.deepEqual(alone, { line: 0, character: line.length });
  });
});

describe('inlay hint length', () => {
  it('keeps a short label and cuts a long one with … at the limit', () => {
    assert.deepEqual(truncateLabel('He ✓'), { text: 'He ✓', truncated: false });
    const long = 'net.0: Keras default (Glorot·U) ⚠ ×0.5/layer ReLU · net.2: He·N ✓ ReLU';
    const cut = truncateLabel(long);
    assert.equal(cut.truncated, true);
    assert.ok([...cut.text].length <= MAX_HINT_LENGTH, cut.text);
    assert.ok(cut.text.endsWith('…'));
    assert.ok(long.startsWith(cut.text.slice(0, -1)));
  });
});

describe('squiggle range', () => {
  it('underlines the constructor name of a three-line call, not the call', () => {
    const text = 'x = layers.Dense(\n    64,\n    activation="relu",\n)(x)';
    const range = { start: { line: 0, column: 4 }, end: { line: 3, column: 1 } };
    assert.deepEqual(squiggleRange(range, lineReader(text)(0)), { start: { line: 0, column: 4 }, end: { line: 0, column: 16 } });
  });

  it('underlines `nn.Linear` of a one-line call, and keeps a range with no call on its line', () => {
    const line = '        self.a = nn.Linear(8, 8)  # c';
    const range = { start: { line: 4, column: 17 }, end: { line: 4, column: 32 } };
    assert.deepEqual(squiggleRange(range, line), { start: { line: 4, column: 17 }, end: { line: 4, column: 26 } });
    const noCall = { start: { line: 0, column: 0 }, end: { line: 0, column: 5 } };
    assert.deepEqual(squiggleRange(noCall, 'dense'), noCall);
    assert.deepEqual(squiggleRange(range, undefined), range, 'a line the text does not have leaves the range');
  });
});
