/**
 * numpy on static numbers in the evaluator's library layer: the gains and sizes model code computes
 * with it (`np.sqrt(2)`, `int(np.prod(shape))`, `np.array(shape).prod()`), in numpy's types; what is
 * not static stays a symbol with a note.
 */
import * as assert from 'node:assert/strict';
import { loadGrammar } from '../support/python';
import { run, value } from './evalHarness';

const NP = 'import numpy as np';

describe('numpy on static numbers', () => {
  before(loadGrammar);

  it('gives float results as numpy does (sqrt, log, exp, floor of ints are floats)', () => {
    assert.equal(value('np.sqrt(2), np.sqrt(4), np.log(1), np.floor(2.5), np.pi, np.abs(-3)', NP), '(1.4142135623730951, 2.0, 0.0, 2.0, 3.141592653589793, 3)');
  });

  it('reduces static shapes: prod of ints is an int, of an empty tuple 1.0, of a float a float; nested lists flatten', () => {
    assert.equal(value('int(np.prod((17,))), np.prod((2, 3)), np.prod(()), np.prod([2.0, 3]), np.sum([[1, 2], [3, 4]])', NP), '(17, 6, 1.0, 6.0, 10)');
  });

  it('reads np.array of static numbers: prod(), sum(), shape, size, ndim', () => {
    assert.equal(value('a.prod(), a.sum(), a.shape, a.size, a.ndim, np.prod(a)', `${NP}\na = np.array([[1, 2], [3, 4]])`), '(24, 10, (2, 2), 4, 2, 24)');
  });

  it('keeps the value of a helper default and a dict value (orthogonal gains)', () => {
    const setup = `${NP}\ndef init(layer, std=np.sqrt(2)):\n    return std\ngains = {"policy": np.sqrt(2), "value": 1}`;
    assert.equal(value('init(None), gains["policy"]', setup), '(1.4142135623730951, 1.4142135623730951)');
  });

  it('leaves what is not static a symbol with a note, never a wrong number', () => {
    const script = run(`${NP}\nx = width()\na = np.sqrt(x)\nb = np.sqrt(-1)\nc = np.zeros(3)\n`);
    assert.equal(script.show('a'), 'np.sqrt(x)');
    assert.equal(script.show('b'), 'np.sqrt(-1)');
    assert.equal(script.show('c'), 'np.zeros(3)');
    assert.ok(
      script.ev.notes.some((n) => /numpy\.sqrt\(\) is evaluated on static numbers only/.test(n)),
      script.ev.notes.join('\n'),
    );
    assert.ok(
      script.ev.notes.some((n) => /numpy\.zeros is not known/.test(n)),
      script.ev.notes.join('\n'),
    );
  });
});
