/**
 * Entry points (issue 10 item 1): the networks a PyTorch file builds — factories, module-level
 * and `main()` construction — become models named as the user calls them, built with their
 * arguments; classes they build are not analysed a second time; bad factories end with a note.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import type { FileGraph } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

const HEADER = 'import torch\nimport torch.nn as nn\n\n';

const MLP = [
  'class MLP(nn.Module):',
  '    def __init__(self, width, depth=2):',
  '        super().__init__()',
  '        self.layers = nn.Sequential(*[nn.Linear(width, width) for _ in range(depth)])',
  '',
  '    def forward(self, x):',
  '        return self.layers(x)',
  '',
].join('\n');

function analyse(body: string): FileGraph {
  return analyzeText(HEADER + body, 'entry.py');
}

function names(graph: FileGraph): string[] {
  return graph.models.map((m) => m.name).sort();
}

describe('PyTorch entry points', () => {
  before(loadGrammar);

  it('builds a factory chain with its concrete arguments and names the model after the factory', () => {
    const graph = analyse(
      `${MLP}\ndef _mlp(width, depth, **kwargs):\n    return MLP(width, depth, **kwargs)\n\n\ndef mlp_deep(**kwargs):\n    return _mlp(32, 4, **kwargs)\n`,
    );
    assert.deepEqual(names(graph), ['mlp_deep']);
    const model = graph.models[0]!;
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['layers.0', 'layers.1', 'layers.2', 'layers.3'],
    );
    assert.equal(model.layers[0]!.fanIn, 32);
  });

  it('keeps a function with required parameters and no call site out of the models', () => {
    const graph = analyse(`${MLP}\ndef build(width):\n    return MLP(width)\n`);
    assert.deepEqual(names(graph), ['MLP']);
  });

  it('names a module-level construction after its variable and runs the code after it', () => {
    const graph = analyse(
      `${MLP}\ndef init(m):\n    if isinstance(m, nn.Linear):\n        nn.init.zeros_(m.weight)\n\n\nnet = MLP(8)\nnet.apply(init)\nnet = net.to("cpu")\n`,
    );
    assert.deepEqual(names(graph), ['net']);
    const layer = graph.models[0]!.layers[0]!;
    assert.equal(layer.fanIn, 8);
    assert.equal(layer.init.weight?.name, 'zeros');
    assert.equal(layer.init.weight?.source, 'apply');
  });

  it('follows a construction in main() with its local arguments', () => {
    const graph = analyse(
      `${MLP}\ndef main():\n    width = 16\n    model = MLP(width, depth=3)\n    print(model)\n\n\nif __name__ == "__main__":\n    main()\n`,
    );
    assert.deepEqual(names(graph), ['model']);
    assert.equal(graph.models[0]!.layers.length, 3);
    assert.equal(graph.models[0]!.layers[0]!.fanIn, 16);
  });

  it('does not analyse a composed block alone when an entry point has all its layers', () => {
    const block =
      'class Block(nn.Module):\n    def __init__(self, w=4):\n        super().__init__()\n        self.fc = nn.Linear(w, w)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\n';
    const net =
      'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = Block(8)\n        self.b = Block(8)\n\n    def forward(self, x):\n        return self.b(self.a(x))\n\n\n';
    const graph = analyse(`${block}${net}model = Net()\n`);
    // `model = Net()` builds what `Net` builds with its defaults: shown under the class's name.
    assert.deepEqual(names(graph), ['Net']);
    assert.deepEqual(
      graph.models[0]!.layers.map((l) => l.name),
      ['a.fc', 'b.fc'],
    );
  });

  it('keeps the larger default network and says why a smaller script build is not shown', () => {
    const graph = analyse(`${MLP}\nclass Wide(MLP):\n    def __init__(self, depth=6):\n        super().__init__(4, depth)\n\n\nsmoke = Wide(2)\n`);
    assert.deepEqual(names(graph), ['MLP', 'Wide']);
    assert.ok(
      graph.notes.some((n) => n.startsWith('smoke:') && n.includes('Wide with its default arguments')),
      JSON.stringify(graph.notes),
    );
  });

  it('builds the network of a __main__ block when the class alone lacks arguments, and says the class gives way', () => {
    const segnet = [
      'class Seg(nn.Module):',
      '    def __init__(self, n_in, n_out, wide=False):',
      '        super().__init__()',
      '        self.inc = nn.Conv2d(n_in, 8 * (2 if wide else 1), 3)',
      '        self.extra = nn.Conv2d(8, 8, 3) if not wide else nn.Identity()',
      '        self.out = nn.Conv2d(8 * (2 if wide else 1), n_out, 1)',
      '',
      '    def forward(self, x):',
      '        return self.out(self.extra(self.inc(x)))',
      '',
      '',
      'if __name__ == "__main__":',
      '    net = Seg(n_in=3, n_out=2, wide=True)',
      '    print(net)',
      '',
    ].join('\n');
    const graph = analyse(segnet);
    assert.deepEqual(names(graph), ['net']);
    assert.deepEqual(
      graph.models[0]!.layers.map((l) => [l.name, l.fanIn]),
      [
        ['inc', 27],
        ['out', 16],
      ],
    );
    assert.ok(
      graph.notes.some((n) => n === 'Seg: analysed as net, built with the arguments its defaults lack (n_in, n_out)'),
      JSON.stringify(graph.notes),
    );
  });

  it('ends a factory that recurses with a note', () => {
    const graph = analyse(`${MLP}\ndef forever(n=0):\n    return forever(n + 1)\n`);
    assert.deepEqual(names(graph), ['MLP']);
    assert.ok(
      graph.notes.some((n) => n.startsWith('forever:')),
      JSON.stringify(graph.notes),
    );
  });

  it('ends a factory that builds a million layers with a note, within the budget', () => {
    const started = Date.now();
    const graph = analyse(`${MLP}\ndef huge(**kwargs):\n    return MLP(4, depth=10**6)\n`);
    assert.ok(Date.now() - started < 20_000, 'within the work budget');
    assert.ok(!graph.models.some((m) => m.layers.length >= 10 ** 6));
    assert.ok(
      graph.notes.some((n) => n.startsWith('huge:')),
      JSON.stringify(graph.notes),
    );
  });
});
