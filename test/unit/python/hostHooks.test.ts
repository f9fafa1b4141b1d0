/** The host hooks a framework gets for construction arguments and for calls the evaluator cannot follow. */
import { strict as assert } from 'node:assert';
import { toPyAst } from '../../../src/core/python/ast';
import type { Kwargs, Site } from '../../../src/core/python/eval/contracts';
import { PythonEvaluator } from '../../../src/core/python/eval/evaluator';
import type { Value, ValueOf } from '../../../src/core/python/eval/values';
import { parsePython } from '../../../src/core/python/parser';
import { loadGrammar } from '../support/python';
import { ToyFramework, type ToyHost } from './toyFramework';

/** The toy framework, recording what the two hooks receive. */
class Recording extends ToyFramework {
  readonly constructed: string[] = [];
  readonly opaque: string[] = [];

  initInstance(instance: ValueOf<ToyHost, 'object'>, site: Site<ToyHost>, args: Value<ToyHost>[], kwargs: Kwargs<ToyHost>): void {
    this.constructed.push(`${instance.cls.name}(${[...args.map(site.ev.show), ...[...kwargs].map(([k, v]) => `${k}=${site.ev.show(v)}`)].join(', ')})`);
  }

  callUnknown(_callee: Value<ToyHost>, args: Value<ToyHost>[], _kwargs: Kwargs<ToyHost>, site: Site<ToyHost>): Value<ToyHost> | undefined {
    this.opaque.push(`${site.ev.text(site.node)}: ${args.map(site.ev.show).join(', ')}`);
    return args[0]?.kind === 'host' ? args[0] : undefined;
  }
}

function run(code: string): { toy: Recording; ev: PythonEvaluator<ToyHost> } {
  const tree = parsePython(code)!;
  const root = toPyAst(tree, code);
  tree.delete();
  const toy = new Recording();
  const ev = new PythonEvaluator<ToyHost>(code, toy);
  ev.runModule(root);
  return { toy, ev };
}

describe('Python evaluator: host hooks', () => {
  before(loadGrammar);

  it('gives initInstance the constructor arguments of a class with a framework base', () => {
    const { toy } = run('from toy import *\nclass Net(Module):\n    def __init__(self, n, name=None):\n        self.fc = Layer(n)\nnet = Net(3, name="enc")\n');
    assert.deepEqual(toy.constructed, ["Net(3, name='enc')"]);
  });

  it('asks callUnknown for the result of a call to an unknown name or a symbol', () => {
    const { toy, ev } = run('from toy import *\nimport somelib\nx = Input()\ny = somelib.helper(x, 2)\nz = unknown_name(3)\n');
    assert.deepEqual(toy.opaque, ['somelib.helper(x, 2): tensor, 2', 'unknown_name(3): 3']);
    assert.equal(ev.show(ev.globals.vars.get('y')!), 'tensor');
    assert.equal(ev.show(ev.globals.vars.get('z')!), 'unknown_name(3)');
  });
});

describe('Python evaluator: unpacking a host value', () => {
  before(loadGrammar);

  it('asks unpack for as many items as there are names, and iterates when it declines', () => {
    class Shapes extends ToyFramework {
      unpack(_object: ToyHost, count: number): Value<ToyHost>[] | undefined {
        return count === 4 ? [1, 2, 3, 4].map((n) => ({ kind: 'num', value: n, float: false })) : undefined;
      }
    }
    const code = 'from toy import *\nx = Input()\nn, h, w, c = x\na, b = x\n';
    const tree = parsePython(code)!;
    const root = toPyAst(tree, code);
    tree.delete();
    const ev = new PythonEvaluator<ToyHost>(code, new Shapes());
    ev.runModule(root);
    assert.equal(ev.show(ev.globals.vars.get('c')!), '4');
    assert.equal(ev.show(ev.globals.vars.get('b')!), 'tensor[*]');
  });
});

describe('Python evaluator: methods of instances with a framework base', () => {
  before(loadGrammar);

  it('tells methodCalled each method before it runs, through calls, bound methods and properties', () => {
    const called: string[] = [];
    class Methods extends ToyFramework {
      methodCalled(instance: ValueOf<ToyHost, 'object'>, name: string): void {
        called.push(`${instance.cls.name}.${name}`);
      }
    }
    const code =
      'from toy import *\nclass Net(Module):\n    def __init__(self):\n        self.n = 1\n    @property\n    def size(self):\n        return self.n\n    def encode(self, x):\n        return self.size\n    def forward(self, x):\n        return self.encode(x)\nclass Plain:\n    def go(self):\n        return 1\nnet = Net()\nf = net.encode\ny = f(2)\nz = net(3)\nPlain().go()\n';
    const tree = parsePython(code)!;
    const root = toPyAst(tree, code);
    tree.delete();
    new PythonEvaluator<ToyHost>(code, new Methods()).runModule(root);
    assert.deepEqual(called, ['Net.__init__', 'Net.encode', 'Net.size', 'Net.forward', 'Net.encode', 'Net.size']);
  });
});
