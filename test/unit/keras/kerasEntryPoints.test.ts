/**
 * Keras models named by the script lines that build them (issue 10 item 1): a builder called with
 * concrete arguments several times gives one model per call, named after its variable; a call no
 * variable names is not dropped silently; a builder called once keeps its function's name.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import type { Layer } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

const BUILDER = [
  'import keras',
  'from keras import layers',
  '',
  'def build(act, init):',
  '    model = keras.Sequential([layers.Input(shape=(32,))])',
  '    model.add(layers.Dense(64, activation=act, kernel_initializer=init))',
  '    model.add(layers.Dense(1))',
  '    return model',
  '',
].join('\n');

function activationOf(layer: Layer | undefined): string | undefined {
  return layer?.activation === 'unknown' ? 'unknown' : layer?.activation?.name;
}

function analyzed(script: string) {
  return analyzeText(`${BUILDER}\n${script}\n`, 'entry.py');
}

describe('Keras entry points', () => {
  before(loadGrammar);

  it('names each call of a builder after its variable, with its own arguments', () => {
    const graph = analyzed('a = build("tanh", "glorot_normal")\nb = build("selu", "lecun_normal")');
    assert.deepEqual(
      graph.models.map((m) => [m.name, activationOf(m.layers[0]), m.layers[0]!.init.weight?.name]),
      [
        ['a', 'tanh', 'glorot_normal'],
        ['b', 'selu', 'lecun_normal'],
      ],
    );
  });

  it('names calls made in main() after their local variables', () => {
    const graph = analyzed('def main():\n    first = build("relu", "he_normal")\n    second = build("gelu", "he_uniform")\n\nmain()');
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['first', 'second'],
    );
  });

  it('keeps the first of the calls no variable names, and says the others are left out', () => {
    const graph = analyzed('nets = [build(a, "he_normal") for a in ("relu", "elu")]');
    assert.deepEqual(
      graph.models.map((m) => [m.name, activationOf(m.layers[0])]),
      [['build', 'relu']],
    );
    assert.ok(
      graph.notes.some((n) => /build: built again at line 5; the first one is analysed/.test(n)),
      graph.notes.join('\n'),
    );
  });

  it('keeps the name of a builder called once', () => {
    const graph = analyzed('model = build("relu", "he_normal")');
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['build'],
    );
  });
});
