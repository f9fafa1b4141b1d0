/** A file may mix frameworks; each one can be turned off (the editor's initLens.frameworks.* settings). */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const MIXED = `import torch.nn as nn
import flax.linen as fnn


class TorchMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc2(nn.functional.relu(self.fc1(x)))


class FlaxMLP(fnn.Module):
    @fnn.compact
    def __call__(self, x):
        x = fnn.Dense(64)(x)
        x = fnn.relu(x)
        return fnn.Dense(10)(x)
`;

describe('framework switch', () => {
  before(loadGrammar);

  it('analyses every framework a file imports, each model with its own', () => {
    const { graph } = analyzeFile(MIXED, 'mixed.py');
    assert.deepEqual(
      graph.models.map((m) => [m.name, m.framework]),
      [
        ['TorchMLP', 'pytorch'],
        ['FlaxMLP', 'flax'],
      ],
    );
  });

  it('leaves out a framework that is turned off, with a note', () => {
    const { graph } = analyzeFile(MIXED, 'mixed.py', { frameworks: { flax: false } });
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['TorchMLP'],
    );
    assert.ok(
      graph.notes.some((note) => /flax models are not analysed/.test(note)),
      graph.notes.join('\n'),
    );
  });

  it('gives no models when every framework the file imports is off', () => {
    const { graph, advice } = analyzeFile(MIXED, 'mixed.py', { frameworks: { pytorch: false, flax: false } });
    assert.equal(graph.models.length, 0);
    assert.equal(advice.findings.length, 0);
  });
});
