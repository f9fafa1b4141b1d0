import { strict as assert } from 'node:assert';
import { loadGrammar } from '../support/python';
import { run } from './evalHarness';

describe('Python evaluator: imports and host values', () => {
  before(loadGrammar);

  it('binds imported names to their qualified names; the framework resolves its own', () => {
    const r = run(
      [
        'import toy as t',
        'from toy import Layer as L',
        'import toy',
        'from toy import *',
        'a = t.Layer(1)',
        'b = L(2)',
        'c = toy.Layer(3)',
        'd = Layer(4)',
        'e = getattr(t, "Layer")(5)',
      ].join('\n'),
    );
    assert.deepEqual(r.toy.describe(), ['Layer(1)', 'Layer(2)', 'Layer(3)', 'Layer(4)', 'Layer(5)']);
    assert.deepEqual(r.ev.notes, []);
  });

  it('keeps names of unknown modules as qualified symbols with a note', () => {
    const r = run('import numpy as np\nimport os.path\ny = np.linalg.norm(3)\nz = os.path.join("a", "b")\n');
    assert.equal(r.show('y'), 'np.linalg.norm(3)');
    assert.ok(r.ev.notes.includes('numpy.linalg.norm is not known: its call is a symbol'));
    assert.ok(r.ev.notes.includes('os.path.join is not known: its call is a symbol'));
  });

  it('leaves relative imports to the module resolver (unknown today) with a note', () => {
    const r = run('from .blocks import Block\nb = Block(3)\n');
    assert.equal(r.show('b'), 'Block(3)');
    assert.ok(r.ev.notes.some((n) => n.includes('the module .blocks is not followed')));
  });

  it('resolves the standard library: math, functools, dataclasses, collections', () => {
    const r = run('from math import sqrt, pi\nimport collections\nd = collections.OrderedDict([("a", 1)])\nx = sqrt(9) + pi * 0\n');
    assert.equal(r.show('x'), '3.0');
    assert.equal(r.show('d'), "{'a': 1}");
  });

  it('delegates operations on host values and registers attributes of framework-derived instances', () => {
    const r = run(
      [
        'import toy',
        'class Block(toy.Module):',
        '    def __init__(self, n):',
        '        self.inner = toy.Layer(n)',
        '        self.skip = toy.Layer(n)',
        '    def forward(self, x):',
        '        return toy.relu(self.inner(x) + self.skip(x))',
        'y = Block(4)(toy.Input())',
      ].join('\n'),
    );
    assert.deepEqual(r.toy.describe(), ['inner: Layer(4) -> relu', 'skip: Layer(4) -> relu']);
  });

  it('marks a list grown on an undecided path or in a loop of unknown length as of unknown length', () => {
    const r = run(
      'xs = [1]\nif cfg.extra:\n    xs.append(2)\nn = len(xs)\nys = []\nfor w in cfg.widths:\n    ys.append(w)\nm = len(ys)\nzs = [1]\nzs.append(2)\nk = len(zs)\n',
    );
    assert.equal(r.show('n'), 'len(xs)');
    assert.equal(r.show('m'), 'len(ys)');
    assert.equal(r.show('k'), '2');
  });

  it('never throws on unsupported code: a symbol and a note', () => {
    const r = run('x = 3j\ny = (lambda: (yield))\nprint >> f, "x"\nz = 1\n');
    assert.equal(r.show('x'), '3j');
    assert.equal(r.show('z'), '1');
    assert.ok(r.ev.notes.some((n) => n.includes('not evaluated')));
  });

  it('loses only the statement nested too deeply for the stack, with a note', () => {
    const deep = 'x = ' + '('.repeat(3000) + '1' + ')'.repeat(3000) + '\n';
    const r = run(`a = 1\n${deep}b = 2\n`);
    assert.equal(r.show('a'), '1');
    assert.equal(r.show('b'), '2');
    assert.ok(r.ev.notes.some((n) => n.includes('nested too deeply')) || r.show('x') === '1');
  });

  it('reports the host-facing context: layers built in an undecided branch or a loop of unknown length', () => {
    const r = run('import toy\nif cfg.a:\n    toy.Layer(1)\nfor w in cfg.ws:\n    toy.Layer(w)\ntoy.Layer(3)\n');
    assert.deepEqual(r.toy.describe(), ['Layer(1) [uncertain]', 'Layer(cfg.ws[*]) [uncertain] [*]', 'Layer(3)']);
  });

  it('never throws on incomplete code (an edit in progress) and evaluates the statements the parser keeps apart', () => {
    for (const broken of ['def f(:\n    pass', 'for in xs:\n    pass', 'f(x=)', '[x for x in]']) {
      assert.equal(run(`${broken}\nafter = 1\n`).show('after'), '1', broken);
    }
    for (const broken of ['x = (', 'y = a.', 'a if b else', 'class A(\n', 'x = [1, 2', 'x = 1 +']) {
      assert.doesNotThrow(() => run(`${broken}\nafter = 1\n`), broken);
    }
  });
});
