/** The evaluator's hooks for frameworks: scoping a call (`enterFunction`) and a base constructor taking the arguments. */
import { strict as assert } from 'node:assert';
import { toPyAst } from '../../../src/core/python/ast';
import type { Kwargs, Site } from '../../../src/core/python/eval/contracts';
import { PythonEvaluator } from '../../../src/core/python/eval/evaluator';
import type { PyFunction, Value, ValueOf } from '../../../src/core/python/eval/values';
import { parsePython } from '../../../src/core/python/parser';
import { loadGrammar } from '../support/python';
import { ToyFramework, type ToyHost } from './toyFramework';

type V = Value<ToyHost>;

/** The toy framework recording the calls it is told about, and a base `__init__` that records its arguments. */
class RecordingToy extends ToyFramework {
  readonly events: string[] = [];

  enterFunction(fn: PyFunction<ToyHost>, self: V | undefined): () => void {
    this.events.push(`enter ${fn.name}${self?.kind === 'object' ? ` on ${self.cls.name}` : ''}`);
    return () => this.events.push(`leave ${fn.name}`);
  }

  instanceAttribute(instance: ValueOf<ToyHost, 'object'>, name: string): V | undefined {
    return name === '__init__' && instance.cls.name === 'Wide' ? { kind: 'host', host: { kind: 'input' } } : undefined;
  }

  initInstance(instance: ValueOf<ToyHost, 'object'>): V | void {
    if (instance.cls.name === 'Refused') {
      return { kind: 'sym', text: 'refused' };
    }
  }

  typeOf(object: ToyHost): V | undefined {
    return object.kind === 'layerClass' ? { kind: 'builtin', name: 'type' } : undefined;
  }

  override call(callee: ToyHost, args: V[], kwargs: Kwargs<ToyHost>, site: Site<ToyHost>): V {
    if (callee.kind === 'input' && args.length > 0) {
      this.events.push(`base __init__(${args.map(site.ev.show).join(', ')})`);
    }
    return super.call(callee, args, kwargs, site);
  }
}

function run(code: string): RecordingToy & { ev?: PythonEvaluator<ToyHost> } {
  const tree = parsePython(code)!;
  const root = toPyAst(tree, code);
  tree.delete();
  const toy: RecordingToy & { ev?: PythonEvaluator<ToyHost> } = new RecordingToy();
  toy.ev = new PythonEvaluator<ToyHost>(code, toy);
  toy.ev.runModule(root);
  return toy;
}

describe('Python evaluator: framework hooks', () => {
  before(loadGrammar);

  it('tells the framework when a local function starts and ends, with its bound instance', () => {
    const toy = run(
      ['from toy import *', 'def helper(n):', '    return n', 'class Net(Module):', '    def init(self):', '        return helper(2)', 'Net().init()'].join(
        '\n',
      ),
    );
    assert.deepEqual(toy.events, ['enter init on Net', 'enter helper', 'leave helper', 'leave init']);
  });

  it('ends the scope of a call even when its body raises', () => {
    const toy = run(['def boom():', '    raise ValueError("x")', 'boom()'].join('\n'));
    assert.deepEqual(toy.events, ['enter boom', 'leave boom']);
  });

  it('asks the framework for the type of a host value', () => {
    const toy = run(['from toy import *', 'a = type(Layer) == type', 'b = type(Layer(2)) == type'].join('\n'));
    assert.deepEqual([toy.ev!.show(toy.ev!.globals.vars.get('a')!), toy.ev!.show(toy.ev!.globals.vars.get('b')!)], ['True', 'type(Layer(2)) == type']);
  });

  it('lets the framework stand a value for a new instance, whose __init__ then does not run', () => {
    const toy = run(['from toy import *', 'class Refused(Module):', '    def __init__(self):', '        Layer(1)', 'r = Refused()'].join('\n'));
    assert.equal(toy.ev!.show(toy.ev!.globals.vars.get('r')!), 'refused');
    assert.deepEqual(toy.describe(), []);
  });

  it('hands the arguments to the framework base constructor when the class has no __init__', () => {
    const toy = run(['from toy import *', 'class Wide(Module):', '    pass', 'Wide(3, 8)'].join('\n'));
    assert.deepEqual(toy.events, ['base __init__(3, 8)']);
  });
});

describe('Python evaluator: the module name', () => {
  before(loadGrammar);

  it('runs the main block when the module is analysed as __main__ (the default), and skips it under another name', () => {
    const code = ['from toy import *', 'if __name__ == "__main__":', '    Layer(4)'].join('\n');
    const main = new ToyFramework();
    const plain = new ToyFramework();
    for (const [toy, moduleName] of [
      [main, undefined],
      [plain, 'models.net'],
    ] as const) {
      const tree = parsePython(code)!;
      const root = toPyAst(tree, code);
      tree.delete();
      new PythonEvaluator<ToyHost>(code, toy, { moduleName }).runModule(root);
    }
    assert.deepEqual(main.describe(), ['Layer(4)']);
    assert.deepEqual(plain.describe(), []);
  });
});
