/** Inlay hint labels and tooltips for layer definitions. */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/engine';
import { layerHint } from '../../src/core/advice/hints';
import { loadGrammar } from './support/python';

function hints(init: string, activation: string): string[] {
  const text = [
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    'class MLP(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.layers = nn.ModuleList([nn.Linear(256, 256) for _ in range(4)])',
    '        self.out = nn.Linear(256, 10)',
    init ? `        for m in self.layers:\n            ${init}` : '',
    '',
    '    def forward(self, x):',
    '        for layer in self.layers:',
    `            x = ${activation}(layer(x))`,
    '        return self.out(x)',
    '',
  ].join('\n');
  const { graph, advice } = analyzeFile(text, 'mlp.py');
  return graph.models[0]!.layers.map((layer) => layerHint(layer, advice.signals.find((s) => s.layer === layer.name), 1.25)?.label ?? '');
}

describe('inlay hints', () => {
  before(loadGrammar);

  it('marks the PyTorch default before ReLU with ⚠ and the per-layer factor', () => {
    const labels = hints('', 'F.relu');
    assert.equal(labels[0], 'torch default ⚠ ×0.167/layer ReLU');
    assert.equal(labels[4], 'torch default ×0.333/layer linear', 'the output layer is shown, not judged');
  });

  it('shows ✓ for He init before ReLU', () => {
    assert.equal(hints("nn.init.kaiming_normal_(m.weight, nonlinearity='relu')", 'F.relu')[0], 'He·N ✓ ReLU');
  });

  it('names normal inits with their std and carries the rule source in the tooltip', () => {
    const text = hints('nn.init.normal_(m.weight, std=0.02)', 'F.gelu');
    assert.match(text[0]!, /^N\(0, 0\.02\) ⚠ ×0\.\d+\/layer GELU$/);
    const { graph, advice } = analyzeFile(
      'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(8, 8)\n        self.b = nn.Linear(8, 8)\n        self.c = nn.Linear(8, 2)\n    def forward(self, x):\n        return self.c(self.b(self.a(x).relu()).relu())\n',
      'a.py',
    );
    const hint = layerHint(graph.models[0]!.layers[0]!, advice.signals.find((s) => s.layer === 'a'), 1.25)!;
    assert.match(hint.tooltip, /He et al\. 2015/);
    assert.match(hint.tooltip, /over the stack of 2 layers/);
    assert.equal(hint.mismatch, true);
  });
});
