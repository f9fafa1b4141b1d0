/** Compact hint labels, inits in call syntax in the tooltip/hover, and no ⚠ once a finding is silenced. */
import * as assert from 'node:assert/strict';
import { layerHint } from '../../../src/core/advice/hints';
import { initCallText } from '../../../src/core/advice/initCall';
import { plainTextOf } from '../../../src/core/advice/markdown';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const TORCH = [
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'class MLP(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.layers = nn.ModuleList([nn.Linear(256, 256) for _ in range(4)])',
  '        self.out = nn.Linear(256, 10)',
  '        for m in self.layers:',
  '            INIT',
  '',
  '    def forward(self, x):',
  '        for layer in self.layers:',
  '            x = F.relu(layer(x))',
  '        return self.out(x)',
  '',
].join('\n');

const KERAS = [
  'import keras',
  'from keras import layers',
  'inputs = keras.Input(shape=(256,))',
  'x = layers.Dense(256, activation="relu"INIT)(inputs)',
  'x = layers.Dense(256, activation="relu"INIT)(x)',
  'x = layers.Dense(256, activation="relu"INIT)(x)',
  'outputs = layers.Dense(10)(x)',
  'model = keras.Model(inputs, outputs)',
  '',
].join('\n');

/** The first layer's hint of the file, with the given verbosity and silenced rules. */
function firstHint(text: string, verbosity: 'compact' | 'short' | 'full', silenced: string[] = []) {
  const { graph, advice } = analyzeFile(text, 'model.py');
  const model = graph.models[0]!;
  const layer = model.layers[0]!;
  const signal = advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
  return layerHint(layer, signal, 1.25, verbosity, model.framework, { silenced })!;
}

describe('compact hints', () => {
  before(loadGrammar);

  it('say `⚠ ×0.17` for the PyTorch default before ReLU and `He ✓` for He', () => {
    assert.equal(firstHint(TORCH.replace('INIT', 'pass'), 'compact').label, '⚠ ×0.17');
    assert.equal(firstHint(TORCH.replace('INIT', "nn.init.kaiming_normal_(m.weight, nonlinearity='relu')"), 'compact').label, 'He ✓');
  });

  it('Keras: `⚠ ×0.5` for the Glorot default before ReLU, `He ✓` for he_normal, the words in the tooltip', () => {
    const hint = firstHint(KERAS.replaceAll('INIT', ''), 'compact');
    assert.equal(hint.label, '⚠ ×0.5');
    assert.match(plainTextOf(hint.details), /GlorotUniform\(\)/);
    assert.equal(firstHint(KERAS.replaceAll('INIT', ', kernel_initializer="he_normal"'), 'compact').label, 'He ✓');
  });

  it('keep the longer styles as they were', () => {
    assert.equal(firstHint(TORCH.replace('INIT', 'pass'), 'short').label, 'torch default ⚠ ×0.167/layer ReLU');
    assert.match(firstHint(TORCH.replace('INIT', 'pass'), 'full').label, /^torch default ⚠ ×0\.167\/layer ReLU \(×.+ over 4\)$/);
  });
});

describe('inits in call syntax', () => {
  before(loadGrammar);

  it('PyTorch: `kaiming_normal_(mode="fan_out", nonlinearity="relu")`, never JSON', () => {
    const hint = firstHint(TORCH.replace('INIT', "nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')"), 'full');
    const text = plainTextOf(hint.details);
    assert.match(text, /init in force: kaiming_normal_\(mode="fan_out", nonlinearity="relu"\) \(/);
    assert.doesNotMatch(text, /\{"/);
  });

  it('Keras class names with keyword arguments, Flax function names, numbers and Python literals', () => {
    const base = { source: 'call' as const, variance: null, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } };
    assert.equal(
      initCallText({ ...base, name: 'variance_scaling', args: { scale: 2, mode: 'fan_in', seed: null } }, 'keras'),
      'VarianceScaling(scale=2, mode="fan_in", seed=None)',
    );
    assert.equal(initCallText({ ...base, name: 'normal', args: { stddev: 0.02 } }, 'flax'), 'normal(stddev=0.02)');
    assert.equal(initCallText({ ...base, name: 'uniform', args: { a: { expr: '-bound' }, b: true } }, 'pytorch'), 'uniform_(a=-bound, b=True)');
    assert.equal(initCallText({ ...base, name: 'default', args: {} }, 'pytorch'), 'default');
  });
});

describe('silenced findings', () => {
  before(loadGrammar);

  it('drop the ⚠ from every style and say which rule a comment silenced', () => {
    const text = TORCH.replace('INIT', 'pass');
    for (const verbosity of ['compact', 'short', 'full'] as const) {
      const hint = firstHint(text, verbosity, ['init-relu']);
      assert.doesNotMatch(hint.label, /⚠/, verbosity);
      assert.equal(hint.mismatch, false);
    }
    assert.equal(firstHint(text, 'compact', ['init-relu']).label, 'default ×0.17');
    assert.match(plainTextOf(firstHint(text, 'full', ['init-relu']).details), /silenced by a suppression comment: init-relu/);
  });
});
