/**
 * Flax on the one Python evaluator: constructs the old Flax interpreter lost or got wrong (a
 * decided `while`, `try`/`finally`, a helper method of a compact module, a child module called
 * twice, a spent budget) now build what Python builds, named by Flax's rules.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import type { Layer } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

function layers(text: string, model: string): Layer[] {
  const found = analyzeFile(text, 'eval.py').graph.models.find((m) => m.name === model);
  assert.ok(found, `${model} is found`);
  return found.layers;
}

const summary = (ls: Layer[]) =>
  ls.map((l) => `${l.name} ${l.fanIn}->${l.fanOut} ${typeof l.activation === 'object' && l.activation ? l.activation.name : String(l.activation)}`);

describe('Flax on the Python evaluator', () => {
  before(loadGrammar);

  it('runs a decided while loop as Python does (Dense_0..Dense_2), and a finally clause', () => {
    const text = `
from flax import linen as nn

class Tower(nn.Module):
    @nn.compact
    def __call__(self, x):
        n = 0
        while n < 3:
            x = nn.Dense(8)(x)
            try:
                x = nn.Dense(8, name=f"inner_{n}")(x)
            finally:
                x = nn.gelu(x)
            n += 1
        return x
`;
    assert.deepEqual(summary(layers(text, 'Tower')), [
      'Dense_0 x.shape[-1]->8 null',
      'inner_0 8->8 gelu',
      'Dense_1 8->8 null',
      'inner_1 8->8 gelu',
      'Dense_2 8->8 null',
      'inner_2 8->8 gelu',
    ]);
  });

  it('names submodules made in a helper method called from a compact method, once per name when the child is called twice', () => {
    const text = `
from flax import linen as nn

class Block(nn.Module):
    features: int = 16

    def project(self, x):
        return nn.Dense(self.features)(x)

    @nn.compact
    def __call__(self, x):
        return nn.relu(self.project(x))

class Net(nn.Module):
    def setup(self):
        self.block = Block(32)

    def __call__(self, x):
        x = self.block(x)
        x = self.block(x)
        return nn.Dense(1)(x) if False else self.block(x)
`;
    assert.deepEqual(summary(layers(text, 'Net')), ['block.Dense_0 x.shape[-1]->32 relu']);
  });

  it("runs a linen child's setup before its first method, whichever it is", () => {
    const text = `
from flax import linen as nn

class Encoder(nn.Module):
    def setup(self):
        self.proj = nn.Dense(16)

    def encode(self, x):
        return nn.tanh(self.proj(x))

class AutoEncoder(nn.Module):
    def setup(self):
        self.encoder = Encoder()
        self.decoder = nn.Dense(4)

    def __call__(self, x):
        return self.decoder(self.encoder.encode(x))
`;
    assert.deepEqual(summary(layers(text, 'AutoEncoder')), ['encoder.proj x.shape[-1]->16 tanh', 'decoder 16->4 null']);
  });

  it('keeps the layers found so far when the budget is spent, with a note', () => {
    const text = `
from flax import linen as nn

class Deep(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(4)(x)
        n = 0
        for a in range(512):
            for b in range(512):
                for c in range(512):
                    n += 1
        return nn.Dense(8)(x)
`;
    const analysis = analyzeFile(text, 'deep.py');
    assert.deepEqual(
      analysis.graph.models.find((m) => m.name === 'Deep')?.layers.map((l) => l.name),
      ['Dense_0'],
    );
    assert.ok(
      analysis.graph.notes.some((n) => /budget/.test(n)),
      analysis.graph.notes.join('; '),
    );
  });
});
