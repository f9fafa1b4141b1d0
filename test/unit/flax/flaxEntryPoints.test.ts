/**
 * Flax entry points (issue 10 item 1): a module-level `partial` of a local module is a model named
 * after it, built with the partial's arguments; classes it has whole are not listed again.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import { loadGrammar } from '../support/python';

const SOURCE = [
  'import functools',
  'from flax import linen as nn',
  '',
  'class Tower(nn.Module):',
  '  depth: int',
  '  width: int = 8',
  '',
  '  @nn.compact',
  '  def __call__(self, x):',
  '    for _ in range(self.depth):',
  '      x = nn.relu(nn.Dense(self.width)(x))',
  '    return nn.Dense(2)(x)',
  '',
  'Tower3 = functools.partial(Tower, depth=3)',
  'WideTower3 = functools.partial(Tower3, width=32)',
  '',
].join('\n');

describe('Flax entry points', () => {
  before(loadGrammar);

  it('builds each module-level partial with its arguments, partials of partials included', () => {
    const graph = analyzeText(SOURCE, 'towers.py');
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['Tower3', 'WideTower3'],
    );
    const wide = graph.models[1]!;
    assert.deepEqual(
      wide.layers.map((l) => l.name),
      ['Dense_0', 'Dense_1', 'Dense_2', 'Dense_3'],
    );
    assert.equal(wide.layers[1]!.fanIn, 32);
  });

  it('says why a partial a class composes whole is not listed', () => {
    const graph = analyzeText(`${SOURCE}\nclass Classifier(nn.Module):\n  @nn.compact\n  def __call__(self, x):\n    return Tower3()(x)\n`, 'towers.py');
    assert.deepEqual(graph.models.map((m) => m.name).sort(), ['Classifier', 'WideTower3']);
    assert.ok(
      graph.notes.some((n) => n.startsWith('Tower3: all its layers are in Classifier')),
      JSON.stringify(graph.notes),
    );
  });
});
