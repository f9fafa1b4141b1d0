/**
 * Flax recurrent cells (issue 11 item 2): the input kernel (in, features) with lecun_normal, the
 * hidden kernel (features, features) with orthogonal, zero biases (flax.linen.recurrent's documented
 * defaults), the cell's own gate and candidate functions in its config, and the graph's activation
 * read from what follows the cell's output, as for PyTorch's and Keras' LSTM. A cell made with
 * `parent=None` only to build a carry is no layer of the model.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import type { Layer } from '../../../src/core/graph';
import { fixtureGraph } from '../support/goldenFixtures';
import { loadGrammar } from '../support/python';

function activationOf(layer: Layer): string | null {
  return layer.activation === 'unknown' ? 'unknown' : (layer.activation?.name ?? null);
}

const CELLS = [
  'from flax import linen as nn',
  '',
  'class Tagger(nn.Module):',
  '  @nn.compact',
  '  def __call__(self, x):',
  '    x = nn.RNN(nn.LSTMCell(32))(x)',
  '    x = nn.RNN(nn.OptimizedLSTMCell(16))(x)',
  '    x = nn.relu(x)',
  '    x = nn.RNN(nn.GRUCell(8, recurrent_kernel_init=nn.initializers.lecun_normal()))(x)',
  '    return nn.Dense(4)(x)',
  '',
].join('\n');

describe('Flax recurrent cells', () => {
  before(loadGrammar);

  it('gives each cell numeric fans, the documented default inits and the activation after its output', () => {
    const model = analyzeText(CELLS.replace('(self, x):', '(self, x):\n    x = nn.Dense(64)(x)'), 'tagger.py').models[0]!;
    const cells = model.layers.filter((l) => /Cell$/.test(l.type));
    assert.deepEqual(
      cells.map((l) => [l.type, l.fanIn, l.fanOut, activationOf(l)]),
      [
        ['LSTMCell', 64, 32, null],
        ['OptimizedLSTMCell', 32, 16, 'relu'],
        ['GRUCell', 16, 8, null],
      ],
    );
    const [lstm, optimized, gru] = cells;
    assert.deepEqual(
      [lstm!.init.weight_ih?.name, lstm!.init.weight_ih?.variance, lstm!.init.weight_hh?.name, lstm!.init.weight_hh?.variance, lstm!.init.bias?.name],
      ['lecun_normal', 1 / 64, 'orthogonal', 1 / 32, 'zeros'],
    );
    assert.equal(optimized!.init.weight_hh?.variance, 1 / 16);
    assert.deepEqual([gru!.init.weight_hh?.name, gru!.init.weight_hh?.source], ['lecun_normal', 'call']);
  });

  it('states the gate and candidate functions, written ones replacing the defaults', () => {
    const model = analyzeText(CELLS.replace('nn.GRUCell(8,', 'nn.GRUCell(8, activation_fn=nn.gelu,'), 'tagger.py').models[0]!;
    const configs = model.layers.filter((l) => /Cell$/.test(l.type)).map((l) => [l.config?.gate_fn, l.config?.activation_fn]);
    assert.deepEqual(configs, [
      ['sigmoid', 'tanh'],
      ['sigmoid', 'tanh'],
      ['sigmoid', { expr: 'gelu' }],
    ]);
  });

  it('reads the fixture of scanned and nn.RNN cells without a detached cell', () => {
    const graph = fixtureGraph('flax', 'linen_rnn_cells');
    const classifier = graph.models.find((m) => m.name === 'SentimentClassifier')!;
    assert.deepEqual(
      classifier.layers.map((l) => l.name),
      ['embed', 'lstm.OptimizedLSTMCell_0', 'GRUCell_0', 'SimpleCell_0', 'hidden', 'logits'],
    );
    assert.ok(classifier.layers.every((l) => l.activation !== 'unknown' && l.fanIn !== null));
  });
});
