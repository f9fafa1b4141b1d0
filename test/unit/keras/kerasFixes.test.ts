/**
 * Keras fixes: every fix offered on every Keras fixture (LF, CRLF, tabs) gives Python that parses,
 * keeps every model and layer, and removes that layer's finding with no further fix (idempotent);
 * and the edits keep the call's own formatting.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { findingCovers } from '../../../src/core/advice/findingsByRange';
import { analyzeFile } from '../../../src/core/engine';
import { checkFix, pythonSources, variants } from '../support/fixChecks';
import { loadGrammar } from '../support/python';

/** Only Keras files (the examples folder also holds PyTorch ones). */
function isKerasFile(text: string): boolean {
  return /^\s*(import|from)\s+(keras|tensorflow)\b/m.test(text) && !/^\s*(import|from)\s+torch\b/m.test(text);
}

const SOURCES = pythonSources([path.join('test', 'fixtures', 'keras'), 'examples']).filter((source) => isKerasFile(source.text));

function onlyFix(source: string, layer: string): { fixed: string; newText: string } {
  const analysis = analyzeFile(source, 'fix.py');
  // A layer written in a loop is one finding for all its instances.
  const finding = analysis.advice.findings.find((f) => findingCovers(f, undefined, layer) && f.fix);
  assert.ok(finding, `a fix for ${layer}: ${analysis.advice.findings.map((f) => `${f.layer}:${f.rule}:${f.fix ? 'fix' : 'no fix'}`).join(', ')}`);
  return { fixed: checkFix(source, 'fix.py', analysis, finding), newText: finding.fix!.edits.map((e) => e.newText).join('|') };
}

const STACK = (layerLine: string, header = 'import keras\nfrom keras import layers\n') =>
  `${header}x = keras.Input((128,))\nh = x\nfor _ in range(4):\n${layerLine}\nout = layers.Dense(10)(h)\nmodel = keras.Model(x, out)\n`;

describe('Keras fixes', function () {
  this.timeout(60_000);
  before(loadGrammar);

  it('has Keras fixtures that offer fixes (the property below is not vacuous)', () => {
    const withFixes = SOURCES.filter(({ text, name }) => analyzeFile(text, name).advice.findings.some((f) => f.fix));
    assert.ok(withFixes.length >= 5, `only ${withFixes.map((s) => s.name).join(', ')} offer fixes`);
  });

  for (const source of SOURCES) {
    it(`every fix for ${source.name} (LF, CRLF, tabs) parses, removes its finding and is idempotent`, () => {
      for (const variant of variants(source.text)) {
        const label = `${source.name}${variant.suffix}`;
        const analysis = analyzeFile(variant.text, label);
        for (const finding of analysis.advice.findings.filter((f) => f.fix)) {
          checkFix(variant.text, label, analysis, finding);
        }
      }
    });
  }

  it("adds kernel_initializer with the call's quotes on one line", () => {
    const { fixed } = onlyFix(STACK("    h = layers.Dense(128, activation='relu')(h)"), 'dense_1');
    assert.match(fixed, /layers\.Dense\(128, activation='relu', kernel_initializer='he_normal'\)\(h\)/);
  });

  it('rewrites an existing kernel_initializer in place', () => {
    const { fixed } = onlyFix(STACK('    h = layers.Dense(128, kernel_initializer="glorot_normal", activation="relu")(h)'), 'dense_1');
    assert.match(fixed, /layers\.Dense\(128, kernel_initializer="he_normal", activation="relu"\)\(h\)/);
  });

  it('keeps one argument per line and a trailing comma', () => {
    const layer = '    h = layers.Dense(\n        128,\n        activation="relu",\n    )(h)';
    const { fixed } = onlyFix(STACK(layer), 'dense_1');
    assert.ok(fixed.includes('        activation="relu",\n        kernel_initializer="he_normal",\n    )(h)'), fixed);
  });

  it('keeps one argument per line without a trailing comma, with CRLF', () => {
    const layer = '    h = layers.Dense(128,\n                     activation="relu")(h)';
    const { fixed } = onlyFix(STACK(layer).replace(/\n/g, '\r\n'), 'dense_1');
    assert.ok(fixed.includes('activation="relu",\r\n                     kernel_initializer="he_normal")(h)'), JSON.stringify(fixed));
  });

  it("spells a VarianceScaling through the file's initializers alias, or as a config dict without one", () => {
    const leaky = '    h = layers.Dense(128)(h)\n    h = layers.LeakyReLU(negative_slope=0.2)(h)';
    const withAlias = onlyFix(STACK(leaky, 'import keras\nfrom keras import layers, initializers as inits\n'), 'dense_1').newText;
    assert.match(withAlias, /^, kernel_initializer=inits\.VarianceScaling\(scale=1\.923077, mode="fan_in", distribution="truncated_normal"\)$/);
    const withoutAlias = onlyFix(
      STACK(leaky, 'from keras import layers\nfrom keras import Input as KInput\nimport keras.models\n')
        .replace('keras.Input', 'KInput')
        .replace('keras.Model', 'keras.models.Model'),
      'dense_1',
    ).newText;
    assert.match(
      withoutAlias,
      /kernel_initializer=\{"class_name": "VarianceScaling", "config": \{"scale": 1\.923077, "mode": "fan_in", "distribution": "truncated_normal"\}\}/,
    );
  });

  it('fixes a DepthwiseConv2D through depthwise_initializer, and a layer of a subclassed model in __init__', () => {
    const depthwise = `import keras
from keras import layers

x = keras.Input((32, 32, 16))
h = x
for _ in range(4):
    h = layers.DepthwiseConv2D(3, padding="same", activation="relu")(h)
model = keras.Model(x, layers.Conv2D(10, 1)(h))
`;
    // Keras' he_normal would use fan_in = in·∏k = 144; the true fan-in is ∏k = 9: VarianceScaling on fan_out (= 9) gives 2/9.
    assert.match(
      onlyFix(depthwise, 'depthwise_conv2d_1').newText,
      /^, depthwise_initializer=keras\.initializers\.VarianceScaling\(scale=2\.0, mode="fan_out", distribution="truncated_normal"\)$/,
    );
    const subclassed = `import tensorflow as tf
from tensorflow import keras


class Tower(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [keras.layers.Dense(256, activation="relu") for _ in range(4)]
        self.fc = keras.layers.Dense(256,
                                     activation="relu")
        self.out = keras.layers.Dense(10)

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.out(self.fc(x))
`;
    const { fixed } = onlyFix(subclassed, 'dense_4');
    assert.ok(fixed.includes('activation="relu",\n                                     kernel_initializer="he_normal")'), fixed);
  });

  it('offers no fix when **kwargs may already set the initializer', () => {
    const analysis = analyzeFile(STACK('    h = layers.Dense(128, activation="relu", **extra)(h)').replace('x = keras', 'extra = {}\nx = keras'), 'kw.py');
    // `extra = {}` resolves, so the call is understood; an unresolved **kwargs must block the fix.
    const unresolved = analyzeFile(STACK('    h = layers.Dense(128, activation="relu", **opts)(h)'), 'kw.py');
    assert.ok(analysis.advice.findings.length > 0);
    assert.ok(
      unresolved.advice.findings.every((f) => f.fix === null),
      'no fix next to **opts',
    );
  });

  it("does not rewrite a helper's constructor when the layers it builds want different inits", () => {
    const source = `import keras
from keras import layers

def block(x, act):
    return layers.Dense(128, activation=act)(x)

x = keras.Input((128,))
h = x
for act in ["relu", "relu", "tanh", "tanh"]:
    h = block(h, act)
model = keras.Model(x, layers.Dense(10)(h))
`;
    const analysis = analyzeFile(source, 'helper.py');
    assert.ok(analysis.advice.findings.length > 0);
    assert.ok(
      analysis.advice.findings.every((f) => f.fix === null),
      analysis.advice.findings.map((f) => f.fix?.title).join(', '),
    );
  });
});
