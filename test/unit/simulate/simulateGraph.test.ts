/**
 * Model graph → SimNetwork (fromGraph.ts) and symbol resolution (resolve.ts): layer kinds, the init
 * in force and the recommended one, residual joins, what is left out and said so, symbolic sizes.
 */
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { distributionVariance } from '../../../src/core/simulate/distributions';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import type { AffineLayer, SimNetwork } from '../../../src/core/simulate/network';
import { resolveNetwork, symbolsOf, UnresolvedSymbolsError } from '../../../src/core/simulate/resolve';
import { loadGrammar } from '../support/python';
import { dialectFor } from '../../../src/core/frameworks/registry';

function networks(source: string, model: string): { current: SimNetwork; recommended: SimNetwork } {
  const analysis = analyzeFile(source, 'model.py');
  const found = analysis.graph.models.find((candidate) => candidate.name === model);
  assert.ok(found, `model ${model} in ${analysis.graph.models.map((m) => m.name).join(', ')}`);
  const signals = analysis.advice.signals.filter((signal) => signal.model === model);
  return {
    current: networkFromModel(found, { init: 'current', signals, dialect: dialectFor(found.framework) }),
    recommended: networkFromModel(found, { init: 'recommended', signals, dialect: dialectFor(found.framework) }),
  };
}

const MLP = `
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 128)
        self.drop = nn.Dropout(0.25)
        self.fc3 = nn.Linear(128, 10)
        nn.init.xavier_normal_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def forward(self, x):
        x = self.fc1(x).relu()
        x = self.drop(torch.relu(self.fc2(x)))
        return self.fc3(x)
`;

const BLOCKS = `
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + self.fc(self.norm(x))

class Tower(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.inp = nn.Linear(width, width)
        self.blocks = nn.ModuleList([Block(width) for _ in range(2)])

    def forward(self, x):
        x = self.inp(x)
        for block in self.blocks:
            x = block(x)
        return x
`;

describe('simulate: networks from model graphs', () => {
  before(loadGrammar);

  it('an MLP: linear layers with their activations, the init in force, dropout p', () => {
    const { current } = networks(MLP, 'Net');
    assert.deepEqual(current.input, { kind: 'vector', width: 64 });
    assert.deepEqual(
      current.layers.map((layer) => `${layer.name}:${layer.op}:${layer.activation?.name ?? '-'}`),
      ['fc1:linear:relu', 'fc2:linear:relu', 'drop:dropout:-', 'fc3:linear:-'],
    );
    const [fc1, fc2, drop] = current.layers as [AffineLayer, AffineLayer, { op: 'dropout'; p: number }];
    assert.deepEqual(fc1.weight, { kind: 'uniform', low: -1 / 8, high: 1 / 8 }, 'the Linear default U(±1/√fan_in)');
    assert.ok(Math.abs(distributionVariance(fc2.weight) - 2 / (128 + 128)) < 1e-15, 'xavier_normal');
    assert.deepEqual(fc2.bias, { kind: 'constant', value: 0 });
    assert.equal(drop.p, 0.25);
    assert.equal(symbolsOf(current).length, 0);
  });

  it('the recommended network has He for the ReLU layers, and the bias in force', () => {
    const { recommended } = networks(MLP, 'Net');
    const fc1 = recommended.layers[0] as AffineLayer;
    assert.ok(Math.abs(distributionVariance(fc1.weight) - 2 / 64) < 1e-15, 'kaiming_normal(relu): 2/fan_in');
    assert.equal(fc1.bias?.kind, 'uniform');
    const stats = simulateAnalytic(recommended);
    assert.ok(Math.abs(stats[0].forward.preVar - (2 + 1 / (3 * 64))) < 1e-12);
  });

  it('residual joins: a branch from the block input to the residual layer, symbols resolved later', () => {
    const { current } = networks(BLOCKS, 'Tower');
    assert.deepEqual(
      current.layers.map((layer) => layer.op),
      ['linear', 'residual_begin', 'layernorm', 'linear', 'residual_end', 'residual_begin', 'layernorm', 'linear', 'residual_end'],
    );
    assert.deepEqual(symbolsOf(current), ['width']);
    assert.ok(current.notes?.some((note) => /residual branches assumed/.test(note)));
    assert.throws(
      () => resolveNetwork(current),
      (error: unknown) => error instanceof UnresolvedSymbolsError && error.symbols.join() === 'width',
    );
    const resolved = resolveNetwork(current, { symbols: { width: 32 } });
    const fc = resolved.layers[3] as AffineLayer;
    assert.equal(fc.inFeatures, 32);
    assert.deepEqual(fc.weight, { kind: 'uniform', low: -1 / Math.sqrt(32), high: 1 / Math.sqrt(32) }, 'default recomputed with the resolved fan');
    const stats = simulateAnalytic(resolved);
    // each block adds LN-normalised (var 1) times Var W·32 = 1/3, plus the bias 1/(3·32)
    assert.ok(Math.abs(stats[4].forward.preVar - stats[1].forward.preVar - (1 / 3 + 1 / 96)) < 1e-3);
  });

  it('a depth multiplier repeats the layers when the shape chains, and says so when it does not', () => {
    const { current } = networks(BLOCKS, 'Tower');
    const repeated = resolveNetwork(current, { symbols: { width: 16 }, depthMultiplier: 3, inputVariance: 2 });
    assert.equal(repeated.layers.length, 3 * current.layers.length);
    assert.equal(repeated.layers[current.layers.length].name, 'inp#2');
    assert.equal(repeated.inputVariance, 2);
    const { current: mlp } = networks(MLP, 'Net');
    const kept = resolveNetwork(mlp, { depthMultiplier: 2 });
    assert.equal(kept.layers.length, mlp.layers.length);
    assert.ok(kept.notes?.some((note) => /depth ×2 not applied/.test(note)));
  });

  it('an init it cannot follow falls back to the PyTorch default, says so, and follows resolved fans', () => {
    const source = `
import torch.nn as nn

def my_init(w):
    pass

class Odd(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.fc = nn.Linear(width, width)
        self.fc.weight.data = custom_weights(width)
`;
    const { current } = networks(source, 'Odd');
    assert.ok(
      current.notes?.some((note) => /fc\.weight: init \w+ is not simulated .* PyTorch default instead/.test(note)),
      current.notes?.join('\n'),
    );
    const fc = resolveNetwork(current, { symbols: { width: 25 } }).layers[0] as AffineLayer;
    assert.deepEqual(fc.weight, { kind: 'uniform', low: -0.2, high: 0.2 });
  });

  it('layers it cannot simulate are left out with a note, never guessed', () => {
    const source = `
import torch.nn as nn

class Rnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 32)
        self.rnn = nn.LSTM(32, 32)
        self.head = nn.Linear(32, 4)
`;
    const { current } = networks(source, 'Rnn');
    assert.equal(current.input.kind, 'tokens');
    // The head reads the LSTM's output, never made: it is left out too, not fed the embedding.
    assert.deepEqual(
      current.layers.map((layer) => layer.name),
      ['emb'],
    );
    assert.ok(
      current.notes?.some((note) => /rnn \(LSTM\) left out: this layer type is not simulated/.test(note)),
      current.notes?.join('\n'),
    );
    assert.ok(current.notes?.some((note) => /head \(Linear\) left out: it comes after rnn/.test(note)));
    assert.ok(current.notes?.some((note) => /token ids per example \(assumed/.test(note)));
  });

  it('conv: padding, stride and groups from the constructor; the input size assumed and said', () => {
    const source = `
import torch.nn as nn

class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, kernel_size=(3, 3), stride=2, padding=1, groups=4)
        self.bn = nn.BatchNorm2d(32)
`;
    const { current } = networks(source, 'Cnn');
    assert.deepEqual(current.input, { kind: 'image', channels: 3, height: 32, width: 32 });
    const c2 = current.layers[1] as AffineLayer;
    assert.deepEqual([c2.kernel, c2.stride, c2.padding, c2.groups], [[3, 3], [2, 2], [1, 1], 4]);
    assert.ok(current.notes?.some((note) => /spatial size 32 assumed/.test(note)));
    const sized = networkFromModel(analyzeFile(source, 'm.py').graph.models[0], {
      init: 'current',
      dialect: dialectFor('pytorch'),
      input: { kind: 'image', channels: 3, height: 8, width: 8 },
    });
    assert.equal(
      sized.notes?.some((note) => /assumed/.test(note)),
      false,
    );
  });
});
