import { strict as assert } from 'node:assert';
import { loadGrammar } from '../support/python';
import { toPyAst } from '../../../src/core/python/ast';
import { parsePython } from '../../../src/core/python/parser';
import type { HostSemantics } from '../../../src/core/python/eval/contracts';
import { run, value } from './evalHarness';
import type { ToyHost } from './toyFramework';

describe('Python evaluator: expressions', () => {
  before(loadGrammar);

  it('follows Python arithmetic: floor division and modulo take the divisor sign, / is float, ** of a negative int is float', () => {
    assert.equal(value('-7 // 2'), '-4');
    assert.equal(value('-7 % 3'), '2');
    assert.equal(value('7 % -3'), '-2');
    assert.equal(value('7 / 2'), '3.5');
    assert.equal(value('4 / 2'), '2.0');
    assert.equal(value('2 ** -1'), '0.5');
    assert.equal(value('2 ** 10'), '1024');
    assert.equal(value('7.0 // 2'), '3.0');
    assert.equal(value('int(-3.7)'), '-3');
    assert.equal(value('int("42")'), '42');
    assert.equal(value('round(2.5), round(3.5)'), '(2, 4)');
    assert.equal(value('divmod(-7, 2)'), '(-4, 1)');
    assert.equal(value('0x10 + 0b11 + 1_000'), '1019');
    assert.equal(value('True + 1'), '2');
  });

  it('keeps huge and non-finite numbers as symbols with a note', () => {
    const r = run('x = 2 ** 64\ny = 1 / 0\n');
    assert.equal(r.show('x'), '2 ** 64');
    assert.equal(r.show('y'), '1 / 0');
    assert.ok(r.ev.notes.some((n) => n.includes('over 2⁵³')));
    assert.ok(r.ev.notes.some((n) => n.includes('divides by zero')));
  });

  it('compares in chains, short-circuits and/or returning operands', () => {
    assert.equal(value('1 < 2 <= 2 < 3'), 'True');
    assert.equal(value('1 < 3 < 2'), 'False');
    assert.equal(value('0 or "x"'), "'x'");
    assert.equal(value('[] and 1'), '[]');
    assert.equal(value('3 in [1, 2, 3], "a" not in "abc", None is None'), '(True, False, True)');
    assert.equal(value('not 0'), 'True');
  });

  it('formats strings: f-strings with specs and conversions, %-formatting, str.format', () => {
    assert.equal(value('f"{x:>5}|{y:.2f}|{x!r}|{{}}"', 'x = "ab"\ny = 3.14159'), `"   ab|3.14|'ab'|{}"`);
    assert.equal(value('"%d-%s-%.1f" % (3, "a", 2.25)'), "'3-a-2.2'");
    assert.equal(value('"{}x{name}".format(2, name="b")'), "'2xb'");
    assert.equal(value('f"{n:,}"', 'n = 1234567'), "'1,234,567'");
  });

  it('evaluates conditional expressions: a decided test takes its arm, an undecided one merges', () => {
    assert.equal(value('64 if wide else 32', 'wide = True'), '64');
    assert.equal(value('64 if cfg.wide else 64'), '64');
    assert.equal(value('64 if cfg.wide else 32'), '64 if cfg.wide else 32');
  });

  it('slices and subscripts like Python', () => {
    assert.equal(value('xs[1:3], xs[::-1], xs[-1], "hello"[1:4]', 'xs = [1, 2, 3, 4]'), "([2, 3], [4, 3, 2, 1], 4, 'ell')");
    assert.equal(value('list(range(10))[::3]'), '[0, 3, 6, 9]');
    assert.equal(value('d[(1, 2)]', 'd = {(1, 2): "t", 1: "one"}'), "'t'");
    assert.equal(value('d[True]', 'd = {1: "one"}'), "'one'");
  });

  it('builds comprehensions in their own scope, nested loops and filters', () => {
    assert.equal(value('[i * j for i in range(3) if i for j in range(i)]'), '[0, 0, 2]');
    assert.equal(value('{k: v for k, v in [("a", 1), ("b", 2)]}'), "{'a': 1, 'b': 2}");
    assert.equal(value('sum(x * x for x in range(4))'), '14');
    const r = run('i = 7\nys = [i for i in range(3)]\n');
    assert.equal(r.show('i'), '7');
    assert.equal(r.show('ys'), '[0, 1, 2]');
  });

  it('unpacks with a starred target and walrus binds outward', () => {
    const r = run('a, *b, c = [1, 2, 3, 4]\nif (n := len(b)) > 1:\n    m = n\n');
    assert.equal(r.show('a'), '1');
    assert.equal(r.show('b'), '[2, 3]');
    assert.equal(r.show('c'), '4');
    assert.equal(r.show('m'), '2');
  });

  it('calls builtins: sorted with key, min/max, zip, enumerate, map, filter, any/all, isinstance', () => {
    assert.equal(value('sorted([3, 1, 2], key=lambda v: -v)'), '[3, 2, 1]');
    assert.equal(value('max([1, 5, 2]), min(4, 2, 8)'), '(5, 2)');
    assert.equal(value('list(zip([1, 2], "ab"))'), "[(1, 'a'), (2, 'b')]");
    assert.equal(value('list(enumerate("ab", 1))'), "[(1, 'a'), (2, 'b')]");
    assert.equal(value('list(map(str, [1, 2])), list(filter(None, [0, 1]))'), "(['1', '2'], [1])");
    assert.equal(value('any([0, 1]), all([1, 0])'), '(True, False)');
    assert.equal(value('isinstance(3, int), isinstance("a", (int, str)), isinstance(True, int)'), '(True, True, True)');
    assert.equal(value('getattr(o, "missing", 5), hasattr(o, "a")', 'class O:\n    a = 1\no = O()'), '(5, True)');
  });

  it('evaluates math, functools and copy', () => {
    assert.equal(value('math.sqrt(16), math.ceil(2.1), math.floor(-2.1), math.prod([2, 3, 4])', 'import math'), '(4.0, 3, -3, 24)');
    assert.equal(value('round(math.pi, 2), math.log(8, 2)', 'import math'), '(3.14, 3.0)');
    assert.equal(value('reduce(lambda a, b: a * b, [1, 2, 3, 4])', 'from functools import reduce'), '24');
    assert.equal(value('a[0], b[0]', 'import copy\nb = [[1]]\na = copy.deepcopy(b)\na[0].append(2)'), '([1, 2], [1])');
    assert.equal(value('P(1).x, P(1).y, P(1, 5).y', 'from collections import namedtuple\nP = namedtuple("P", "x y", defaults=[0])'), '(1, 0, 5)');
    assert.equal(value('operator.getitem([4, 5], 1), operator.mul(3, 4)', 'import operator'), '(5, 12)');
    const huge = run('xs = [i for i in range(10 ** 9)]\n');
    assert.deepEqual(huge.ev.notes, ['a range of 10⁹ items is over the limit of 100000: treated as a loop of unknown length']);
    assert.equal(value('list(d.values())', 'd = {}\nfor i in range(n):\n    d[f"k_{i}"] = 7'), '[7]');
    assert.equal(value('cast(int, v) * 9', 'from typing import cast\nv = 64'), '576');
    assert.equal(
      value('type(p) == functools.partial, type(3) == functools.partial, len == len', 'import functools\np = functools.partial(max, 1)'),
      '(True, False, True)',
    );
  });

  it('runs string, list and dict methods', () => {
    assert.equal(value('"-".join(["a", "b"]), "a b".split(), "x".upper(), " y ".strip()'), "('a-b', ['a', 'b'], 'X', 'y')");
    const r = run('xs = [1]\nxs.append(2)\nxs.extend([3])\nxs.insert(0, 0)\nlast = xs.pop()\nd = {}\nd.update(a=1)\nd.setdefault("b", 2)\ng = d.get("z", 9)\n');
    assert.equal(r.show('xs'), '[0, 1, 2]');
    assert.equal(r.show('last'), '3');
    assert.equal(r.show('d'), "{'a': 1, 'b': 2}");
    assert.equal(r.show('g'), '9');
  });
});

describe('Python evaluator: functions and classes', () => {
  before(loadGrammar);

  it('binds defaults at definition, keyword-only, *args and **kwargs', () => {
    const r = run('k = 1\ndef f(a, b=k, *args, c, d=4, **kw):\n    return (a, b, args, c, d, kw)\nk = 2\nx = f(1, c=3)\ny = f(1, 2, 5, 6, c=3, e=7)\n');
    assert.equal(r.show('x'), '(1, 1, (), 3, 4, {})');
    assert.equal(r.show('y'), "(1, 2, (5, 6), 3, 4, {'e': 7})");
  });

  it('closes over variables; nonlocal and global write outward', () => {
    const r = run(
      'def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    inc()\n    return inc()\nc = counter()\ng = 0\ndef setg():\n    global g\n    g = 5\nsetg()\n',
    );
    assert.equal(r.show('c'), '2');
    assert.equal(r.show('g'), '5');
  });

  it('resolves methods along the MRO, super(), class attributes, static/class methods and properties', () => {
    const r = run(
      [
        'class A:',
        '    scale = 2',
        '    def __init__(self, w):',
        '        self.w = w * self.scale',
        '    @property',
        '    def double(self):',
        '        return self.w * 2',
        '    @staticmethod',
        '    def s(x):',
        '        return x + 1',
        '    @classmethod',
        '    def make(cls):',
        '        return cls(5)',
        'class B(A):',
        '    scale = 3',
        '    def __init__(self, w):',
        '        super().__init__(w + 1)',
        'b = B(1)',
        'out = (b.w, b.double, B.s(1), A.make().w, isinstance(b, A))',
      ].join('\n'),
    );
    assert.equal(r.show('out'), '(6, 12, 2, 10, True)');
  });

  it('builds dataclasses with defaults and default_factory, and NamedTuples', () => {
    const r = run(
      [
        'from dataclasses import dataclass, field',
        'from typing import NamedTuple',
        '@dataclass',
        'class Cfg:',
        '    width: int',
        '    depth: int = 2',
        '    sizes: list = field(default_factory=list)',
        'c = Cfg(8)',
        'c.sizes.append(1)',
        'd = Cfg(4, depth=3)',
        'class P(NamedTuple):',
        '    x: int',
        '    y: int = 0',
        'p = P(1)',
        'out = (c.width, c.depth, c.sizes, d.depth, d.sizes, p.x, p.y)',
      ].join('\n'),
    );
    assert.equal(r.show('out'), '(8, 2, [1], 3, [], 1, 0)');
  });

  it('calls functools.partial, partials of partials and of classes', () => {
    const r = run(
      [
        'from functools import partial',
        'def f(a, b, c=0):',
        '    return a + b + c',
        'g = partial(f, 1)',
        'h = partial(g, c=10)',
        'class K:',
        '    def __init__(self, n, m=1):',
        '        self.n = n * m',
        'mk = partial(K, m=3)',
        'out = (g(2), h(2), mk(2).n)',
      ].join('\n'),
    );
    assert.equal(r.show('out'), '(3, 13, 6)');
  });

  it('collects the yields of a generator function as a list', () => {
    assert.equal(value('list(gen(3))', 'def gen(n):\n    for i in range(n):\n        yield i * 2'), '[0, 2, 4]');
  });

  it('cuts recursion deeper than the limit with a note', () => {
    const r = run('def f(n):\n    return f(n + 1)\nx = f(0)\n');
    assert.equal(r.ev.budget.steps < 5000, true);
    assert.ok(r.ev.notes.some((n) => n.includes('recursion deeper than 40 calls was cut')));
    assert.equal(r.show('x'), 'f(n + 1)');
  });

  it('tells a host call which functions are running, innermost first (ctx.fn and ctx.caller)', () => {
    const code = 'from toy import *\ndef inner():\n    return Layer(1)\ndef outer():\n    return inner()\nouter()\nLayer(2)\n';
    const r = run(code);
    const chains: string[] = [];
    const call = r.toy.call.bind(r.toy);
    r.toy.call = (callee, args, kwargs, site) => {
      const names: string[] = [];
      for (let c: typeof site.ctx | undefined = site.ctx; c; c = c.caller) {
        names.push(c.fn?.name ?? '<module>');
      }
      chains.push(names.join(' < '));
      return call(callee, args, kwargs, site);
    };
    const tree = parsePython(code)!;
    r.ev.runModule(toPyAst(tree, code));
    tree.delete();
    assert.deepEqual(chains, ['inner < outer < <module>', '<module>']);
  });

  it('gives initInstance the constructor arguments of an instance of a class with a host base', () => {
    const code = 'from toy import *\nclass Block(Module):\n    def __init__(self, n, name=None):\n        self.n = n\nBlock(3, name="b")\n';
    const r = run(code);
    const seen: string[] = [];
    (r.toy as HostSemantics<ToyHost>).initInstance = (instance, _site, args, kwargs) => {
      seen.push(`${instance.cls.name}(${args.map(r.ev.show).join(', ')}; ${[...kwargs].map(([k, v]) => `${k}=${r.ev.show(v)}`).join(', ')})`);
    };
    const tree = parsePython(code)!;
    r.ev.runModule(toPyAst(tree, code));
    tree.delete();
    assert.deepEqual(seen, ["Block(3; name='b')"]);
  });

  it('reads the file as the program: __name__ is "__main__"', () => {
    const r = run('if __name__ == "__main__":\n    x = Layer(1)\nelse:\n    x = 2\n'.replace(/^/, 'from toy import *\n'));
    assert.deepEqual(r.toy.describe(), ['Layer(1)']);
    assert.equal(r.ev.notes.length, 0);
  });

  it('asks the framework about a call of something unknown (callUnknown), else gives a symbol', () => {
    const code = 'from toy import *\nx = Input()\ny = mystery(x, k=1)\nz = mystery(2)\n';
    const r = run(code);
    assert.equal(r.show('y'), 'mystery(x, k=1)');
    (r.toy as HostSemantics<ToyHost>).callUnknown = (callee, args) =>
      args.some((a) => a.kind === 'host') ? { kind: 'sym', text: `followed ${r.ev.show(callee)}` } : undefined;
    const tree = parsePython(code)!;
    r.ev.runModule(toPyAst(tree, code));
    tree.delete();
    assert.equal(r.show('y'), 'followed mystery');
    assert.equal(r.show('z'), 'mystery(2)');
  });

  it('computes recursion within the limit', () => {
    assert.equal(value('fact(10)', 'def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)'), '3628800');
  });
});

describe('Python evaluator: statements and control flow', () => {
  before(loadGrammar);

  it('runs while loops with break and else like Python', () => {
    const r = run('i = 0\nwhile i < 10:\n    i += 1\n    if i == 3:\n        break\nelse:\n    i = -1\nj = 0\nwhile j < 3:\n    j += 1\nelse:\n    j = 100\n');
    assert.equal(r.show('i'), '3');
    assert.equal(r.show('j'), '100');
  });

  it('runs for loops with continue and else', () => {
    const r = run('t = 0\nfor i in range(6):\n    if i % 2:\n        continue\n    t += i\nelse:\n    t += 100\n');
    assert.equal(r.show('t'), '106');
  });

  it('runs try/except/else/finally in order', () => {
    const r = run(
      'log = []\ndef f(fail):\n    try:\n        log.append("body")\n        if fail:\n            raise ValueError()\n        return "ok"\n    except ValueError as e:\n        log.append("except")\n        return "caught"\n    else:\n        log.append("else")\n    finally:\n        log.append("finally")\na = f(False)\nb = f(True)\n',
    );
    assert.equal(r.show('a'), "'ok'");
    assert.equal(r.show('b'), "'caught'");
    assert.equal(r.show('log'), "['body', 'finally', 'body', 'except', 'finally']");
  });

  it('lets the except clause that names the exception take it, and an unhandled raise leave the function with an unknown value', () => {
    const r = run(
      [
        'class ShapeError(ValueError):',
        '    pass',
        'def f(kind):',
        '    try:',
        '        if kind == 1:',
        '            raise KeyError("k")',
        '        if kind == 2:',
        '            raise ShapeError()',
        '        raise RuntimeError()',
        '    except KeyError:',
        '        return "key"',
        '    except (TypeError, ValueError) as e:',
        '        return "value"',
        '    return "after"',
        'out = (f(1), f(2), f(3))',
      ].join('\n'),
    );
    assert.equal(r.show('out'), "('key', 'value', f(3))");
  });

  it('merges the variables of an undecided if and keeps what both ways agree on', () => {
    const r = run('if cfg.big:\n    a = 1\n    b = 2\nelse:\n    a = 1\n    b = 3\n');
    assert.equal(r.show('a'), '1');
    assert.equal(r.show('b'), 'b');
  });

  it('returns from an undecided branch as an uncertain return merged at the end', () => {
    const r = run(
      'def f(x):\n    if x.flag:\n        return 1\n    return 1\ndef g(x):\n    if x.flag:\n        return 1\n    return 2\na = f(cfg)\nb = g(cfg)\n',
    );
    assert.equal(r.show('a'), '1');
    assert.equal(r.show('b'), 'g(…)');
  });

  it('matches literal and capture patterns', () => {
    assert.equal(
      value('f(2), f(5)', 'def f(v):\n    match v:\n        case 1 | 2:\n            return "small"\n        case other:\n            return other'),
      "('small', 5)",
    );
  });

  it('deletes names and items, chained assignment, annotated assignment', () => {
    const r = run('a = b = [1, 2]\ndel a[0]\nx: int = 3\nd = {"k": 1}\ndel d["k"]\n');
    assert.equal(r.show('b'), '[2]');
    assert.equal(r.show('x'), '3');
    assert.equal(r.show('d'), '{}');
  });
});

describe('Python evaluator: budget', () => {
  before(loadGrammar);

  it('cuts `while True: pass` with a note', () => {
    const r = run('while True:\n    pass\nafter = 1\n');
    assert.ok(r.ev.notes.some((n) => n.includes('while loop was cut at 512')));
    assert.equal(r.show('after'), '1');
    assert.ok(r.ev.budget.steps < 10_000);
  });

  it('keeps `[0] * 10**12` as a symbolic list with a note', () => {
    const r = run('xs = [0] * 10**12\nn = len(xs)\n');
    assert.ok(r.ev.notes.some((n) => n.includes('10¹² items')));
    assert.equal(r.show('n'), 'len(xs)');
    assert.ok(r.ev.budget.steps < 100);
  });

  it('cuts a loop over range(10**9) at the loop bound and makes its variables symbols', () => {
    const r = run('t = 0\nfor i in range(10**9):\n    t += i\n');
    assert.ok(r.ev.notes.some((n) => n.includes('a loop of 10⁹ iterations was cut at 512')));
    assert.equal(r.show('t'), 't');
    assert.ok(r.ev.budget.steps < 10_000);
  });

  it('runs every item of a held list past the loop bound (a model of more than 512 modules)', () => {
    const r = run('xs = list(range(600))\nt = 0\nfor v in xs:\n    t += v\n');
    assert.equal(r.show('t'), String((599 * 600) / 2));
    assert.ok(!r.ev.notes.some((n) => n.includes('was cut')));
  });

  it('stops at the step budget with a note and never throws', () => {
    const r = run('for i in range(500):\n    for j in range(500):\n        x = i * j\n', { steps: 5000 });
    assert.ok(r.ev.notes.some((n) => n.includes('budget of 5000 steps was spent')));
    assert.ok(r.ev.budget.steps <= 5001);
  });

  it('cuts too many instances with a note', () => {
    const r = run('class A:\n    pass\nxs = [A() for _ in range(100)]\n', { instances: 10 });
    assert.ok(r.ev.notes.some((n) => n.includes('more than 10 instances')));
  });
});
