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

  it('builds a partial passed to a create_model-style factory with the arguments of the factory too', () => {
    const factory = [
      'def create_model(*, model_cls, half_precision, **kwargs):',
      '  dtype = "bfloat16" if half_precision else "float32"',
      '  return model_cls(width=16, dtype=dtype, **kwargs)',
      '',
      'def train(config):',
      '  model = create_model(model_cls=Tower3, half_precision=config.half)',
      '  return model',
    ].join('\n');
    const graph = analyzeText(`${SOURCE.replace('width: int = 8', 'width: int = 8\n  dtype: str = "float32"')}\n${factory}\n`, 'towers.py');
    const tower = graph.models.find((m) => m.name === 'Tower3')!;
    assert.deepEqual(
      tower.layers.map((l) => [l.name, l.fanOut]),
      [
        ['Dense_0', 16],
        ['Dense_1', 16],
        ['Dense_2', 16],
        ['Dense_3', 2],
      ],
    );
    assert.ok(!graph.notes.some((n) => /is not defined/.test(n)), JSON.stringify(graph.notes));
  });

  it('names a class passed to a factory by position after the variable the call is bound to', () => {
    const factory = 'def build(cls, **kwargs):\n  return cls(**kwargs)\n\ndef main():\n  deep = build(Tower, depth=5, width=4)\n';
    const graph = analyzeText(`${SOURCE}\n${factory}`, 'towers.py');
    const deep = graph.models.find((m) => m.name === 'deep');
    assert.ok(deep, JSON.stringify(graph.models.map((m) => m.name)));
    assert.equal(deep.layers.length, 6);
    assert.equal(deep.layers[0]!.activation !== 'unknown' && deep.layers[0]!.activation?.name, 'relu');
    assert.equal(deep.layers[1]!.fanIn, 4);
  });
});
