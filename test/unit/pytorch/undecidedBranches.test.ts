/**
 * What an undecided branch decides in a PyTorch model is said, not guessed: an activation chosen by a
 * condition the analysis cannot decide is unknown (with a note naming the condition's line), an
 * attribute the file never sets is neither true nor false, and no advice is built on a guess.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

/** `name:activation` for every layer of the model `M` (`-` for none, `?` for unknown), and the notes. */
function analyze(forward: string, init = ''): { layers: string[]; notes: string[]; findings: string[] } {
  const source = `${HEAD}class M(nn.Module):
    def __init__(self, use_relu):
        super().__init__()
        self.use_relu = use_relu
        self.fc = nn.Linear(256, 256)
        self.head = nn.Linear(256, 10)
${init}    def forward(self, x):
${forward}        return self.head(x)
`;
  const analysis = analyzeFile(source, 'm.py');
  const model = analysis.graph.models.find((m) => m.name === 'M');
  assert.ok(model, `model M; notes: ${analysis.graph.notes.join('; ')}`);
  return {
    layers: model.layers.map((l) => `${l.name}:${l.activation === null ? '-' : l.activation === 'unknown' ? '?' : l.activation.name}`),
    notes: analysis.graph.notes,
    findings: analysis.advice.findings.filter((f) => f.layer === 'fc').map((f) => `${f.rule}:${f.severity}`),
  };
}

describe('undecided branches (PyTorch)', () => {
  before(loadGrammar);

  it('makes an activation chosen by an undecided conditional expression unknown, with a note', () => {
    const { layers, notes, findings } = analyze('        x = self.fc(x)\n        x = F.relu(x) if self.use_relu else F.gelu(x)\n');
    assert.deepEqual(layers, ['fc:?', 'head:-']);
    assert.ok(
      notes.some((n) => /^M: line 13: the activation after a layer is relu or gelu depending on self\.use_relu, which is not decided: it is unknown$/.test(n)),
      notes.join('\n'),
    );
    assert.deepEqual(findings, [], 'no advice on a guessed activation');
  });

  it('does the same for the if statement form, and keeps an activation both ways apply', () => {
    const statement = analyze('        x = self.fc(x)\n        if self.use_relu:\n            x = F.relu(x)\n        else:\n            x = F.gelu(x)\n');
    assert.deepEqual(statement.layers, ['fc:?', 'head:-']);
    const same = analyze('        x = self.fc(x)\n        if self.use_relu:\n            x = F.relu(x)\n        else:\n            x = torch.relu(x)\n');
    assert.deepEqual(same.layers, ['fc:relu', 'head:-']);
    assert.ok(!same.notes.some((n) => n.includes('activation after a layer')), same.notes.join('\n'));
  });

  it('keeps the decided branch when the condition is decided', () => {
    const { layers } = analyze('        x = self.fc(x)\n        x = F.relu(x) if self.flag else F.gelu(x)\n', '        self.flag = True\n');
    assert.deepEqual(layers, ['fc:relu', 'head:-']);
  });

  it('does not count an attribute the file never sets as true: both ways are followed, with a note', () => {
    const { layers, notes } = analyze('        x = self.fc(x)\n        x = F.relu(x) if self.wide_flag else F.tanh(x)\n');
    assert.deepEqual(layers, ['fc:?', 'head:-']);
    assert.ok(
      notes.some((n) => n === 'M: line 13: self.wide_flag is not set where it is read: its truth is not decided'),
      notes.join('\n'),
    );
  });
});
