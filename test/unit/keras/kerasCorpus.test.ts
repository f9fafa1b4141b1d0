/**
 * The Python-semantics corpus (test/fixtures/python-corpus) through Keras: each construct spelled
 * in Keras' layers and activations (a prelude binds the corpus's neutral names: `Layer` is
 * `layers.Dense`, `relu` is `keras.activations.relu`, `Input()` is `keras.Input((4,))`, `Module`
 * is a `layers.Layer` whose `call` runs `forward`, `toy` holds `Layer` and `relu`) gives the
 * structure the toy framework gives: the same layers in the same order, with their arguments,
 * attribute, activation and certainty, and the same notes. Keras names them by its own rules
 * (`dense`, `dense_1`, … in build order), and its graph reads an uncertain layer's activation as
 * unknown.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractKeras } from '../../../src/core/frameworks/keras/extract';
import { KerasSemantics } from '../../../src/core/frameworks/keras/host';
import type { KerasHost, LayerInst } from '../../../src/core/frameworks/keras/values';
import { toPyAst } from '../../../src/core/python/ast';
import { PythonEvaluator } from '../../../src/core/python/eval/evaluator';
import { parsePython } from '../../../src/core/python/parser';
import { collapseRepeats, CORPUS_DIR, noteLines, parseCorpus } from '../support/pythonCorpus';
import { loadGrammar } from '../support/python';

const PRELUDE = `import keras
from keras import layers
Layer = layers.Dense
relu = keras.activations.relu
gelu = keras.activations.gelu
def Input():
    return keras.Input((4,))
class Module(layers.Layer):
    def call(self, *args, **kwargs):
        return self.forward(*args, **kwargs)
class toy:
    Layer = layers.Dense
    relu = keras.activations.relu
    gelu = keras.activations.gelu
`;

/** A Keras layer in the corpus's form: `[attr: ]Layer(args)[ -> activation][ [uncertain]]`. */
function describeLayer(ev: PythonEvaluator<KerasHost>, layer: LayerInst): string {
  const args = [...layer.args].map(([key, value]) => (key === 'units' ? ev.show(value) : `${key}=${ev.show(value)}`));
  const attr = layer.definition?.target.replace(/^self\./, '');
  const activation = layer.flow.activation;
  const relu = activation === 'unknown' ? ' -> unknown' : activation ? ` -> ${activation.name}` : '';
  return `${attr ? attr + ': ' : ''}Layer(${args.join(', ')})${relu}${layer.uncertain ? ' [uncertain]' : ''}`;
}

/** The Keras result of a case: its layers (built-in Dense layers, in build order) and the evaluator's notes. */
function run(code: string): { lines: string[]; names: string[]; dense: LayerInst[] } {
  const text = PRELUDE + code.replace(/^import toy$/m, '');
  const tree = parsePython(text)!;
  const root = toPyAst(tree, text);
  tree.delete();
  const keras = new KerasSemantics();
  const ev = new PythonEvaluator<KerasHost>(text, keras);
  ev.runModule(root);
  // The layers stay open to activations until the analysis ends (as a model's output would).
  const dense = keras.state.layers.filter((layer) => layer.type === 'Dense');
  const lines = [...collapseRepeats(dense.map((layer) => describeLayer(ev, layer))), ...noteLines(ev.notes, PRELUDE)];
  return { lines, names: dense.map((layer) => layer.name), dense };
}

/** The toy's expected structure as Keras reports it: no `[*]` mark (Keras marks such layers uncertain). */
function expectedFor(expected: string): string {
  return expected
    .split('\n')
    .map((line) => (line.endsWith(' [*]') ? line.slice(0, -4).replace(/( \[uncertain\])?$/, ' [uncertain]') : line))
    .map((line) => line.replace(/ \[\*\]( ×\d+)$/, (_, times: string) => ` [uncertain]${times}`).replace(/ \[uncertain\] \[uncertain\]/, ' [uncertain]'))
    .join('\n');
}

describe('Python-semantics corpus (Keras)', () => {
  before(loadGrammar);
  const files = readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.txt'));

  for (const file of files) {
    describe(file, () => {
      for (const testCase of parseCorpus(readFileSync(join(CORPUS_DIR, file), 'utf8'))) {
        it(testCase.title, () => {
          const { lines, names, dense } = run(testCase.code);
          assert.equal(lines.join('\n'), expectedFor(testCase.expected));
          // Keras' automatic names: one session for the file, numbered per class in build order.
          assert.deepEqual(
            names,
            names.map((_, i) => (i === 0 ? 'dense' : `dense_${i}`)),
          );
          // Keras' Dense semantics on every layer: the Glorot-uniform kernel and zero bias by
          // default, and once applied, fans (in, units) of the (in, units) kernel.
          for (const layer of dense) {
            assert.equal(layer.inits.get('weight')?.init.name, 'glorot_uniform');
            assert.equal(layer.inits.get('bias')?.init.name, 'zeros');
            const units = layer.args.get('units');
            if (layer.built && units?.kind === 'num') {
              assert.equal(layer.fanOut, units.value, `${layer.name}: fan_out is its units`);
            }
          }
        });
      }
    });
  }

  it('reads what the old Keras interpreter lost: a decided conditional layer, a lambda activation, try/finally', () => {
    const code = `import keras
from keras import layers
import tensorflow as tf
wide = True
act = lambda t: tf.nn.relu(t)
inp = keras.Input((4,))
x = (layers.Dense(64) if wide else layers.Dense(32))(inp)
x = act(x)
try:
    x = layers.Dense(8)(x)
finally:
    x = layers.Activation("tanh")(x)
m = keras.Model(inp, x)
`;
    const tree = parsePython(code)!;
    const graph = extractKeras(toPyAst(tree, code), code, 'lost.py');
    tree.delete();
    assert.deepEqual(
      graph.models.map((model) => [model.name, model.layers.map((l) => [l.name, l.fanIn, l.fanOut, typeof l.activation === 'object' && l.activation?.name])]),
      [
        [
          'm',
          [
            ['dense', 4, 64, 'relu'],
            ['dense_1', 64, 8, 'tanh'],
          ],
        ],
      ],
    );
  });

  it('reports the corpus constructs in the graph: a while loop building layers keeps the activation after it', () => {
    const code = `${PRELUDE}x = Input()\ninp = x\ni = 0\nwhile i < 3:\n    x = relu(Layer(8 * (i + 1))(x))\n    i += 1\nm = keras.Model(inp, x)\n`;
    const tree = parsePython(code)!;
    const graph = extractKeras(toPyAst(tree, code), code, 'corpus.py');
    tree.delete();
    const layers = graph.models.flatMap((model) => model.layers);
    assert.deepEqual(
      layers.map((layer) => [layer.name, layer.type, layer.fanIn, layer.fanOut, typeof layer.activation === 'object' && layer.activation?.name]),
      [
        ['dense', 'Dense', 4, 8, 'relu'],
        ['dense_1', 'Dense', 8, 16, 'relu'],
        ['dense_2', 'Dense', 16, 24, 'relu'],
      ],
    );
  });
});
