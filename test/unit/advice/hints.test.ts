/** Inlay hint labels and tooltips for layer definitions. */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { initLabel, layerHint } from '../../../src/core/advice/hints';
import { plainTextOf } from '../../../src/core/advice/markdown';
import { loadGrammar } from '../support/python';

function hints(init: string, activation: string): string[] {
  const text = [
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    'class MLP(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.layers = nn.ModuleList([nn.Linear(256, 256) for _ in range(4)])',
    '        self.out = nn.Linear(256, 10)',
    init ? `        for m in self.layers:\n            ${init}` : '',
    '',
    '    def forward(self, x):',
    '        for layer in self.layers:',
    `            x = ${activation}(layer(x))`,
    '        return self.out(x)',
    '',
  ].join('\n');
  const { graph, advice } = analyzeFile(text, 'mlp.py');
  return graph.models[0]!.layers.map(
    (layer) =>
      layerHint(
        layer,
        advice.signals.find((s) => s.layer === layer.name),
        1.25,
      )?.label ?? '',
  );
}

describe('inlay hints', () => {
  before(loadGrammar);

  it('marks the PyTorch default before ReLU with ⚠ and the per-layer factor', () => {
    const labels = hints('', 'F.relu');
    assert.equal(labels[0], 'torch default ⚠ ×0.167/layer ReLU');
    assert.equal(labels[4], 'torch default ×0.333/layer linear', 'the output layer is shown, not judged');
  });

  it('shows ✓ for He init before ReLU', () => {
    assert.equal(hints("nn.init.kaiming_normal_(m.weight, nonlinearity='relu')", 'F.relu')[0], 'He·N ✓ ReLU');
  });

  it('names normal inits with their std and carries the rule source in the tooltip', () => {
    const text = hints('nn.init.normal_(m.weight, std=0.02)', 'F.gelu');
    assert.match(text[0]!, /^N\(0, 0\.02\) ⚠ ×0\.\d+\/layer GELU$/);
    const { graph, advice } = analyzeFile(
      'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(8, 8)\n        self.b = nn.Linear(8, 8)\n        self.c = nn.Linear(8, 2)\n    def forward(self, x):\n        return self.c(self.b(self.a(x).relu()).relu())\n',
      'a.py',
    );
    const hint = layerHint(
      graph.models[0]!.layers[0]!,
      advice.signals.find((s) => s.layer === 'a'),
      1.25,
    )!;
    assert.match(plainTextOf(hint.details), /He et al\. 2015/);
    assert.match(plainTextOf(hint.details), /over the stack of 2 layers/);
    assert.equal(hint.mismatch, true);
  });
});

/** Every layer's hint label in a Keras or Flax file, with its model's framework. */
function frameworkHints(text: string): { labels: string[]; tooltips: string[]; initLabels: string[] } {
  const { graph, advice } = analyzeFile(text, 'model.py');
  const model = graph.models[0]!;
  const hintsOf = model.layers.map((layer) =>
    layerHint(
      layer,
      advice.signals.find((s) => s.layer === layer.name),
      1.25,
      'short',
      model.framework,
    ),
  );
  return {
    labels: hintsOf.map((hint) => hint?.label ?? ''),
    tooltips: hintsOf.map((hint) => (hint ? plainTextOf(hint.details) : '')),
    initLabels: model.layers.map((layer) => (layer.init.weight ? initLabel(layer.init.weight, model.framework) : '')),
  };
}

function kerasStack(initializer: string): string {
  return `import keras
from keras import layers, initializers

model = keras.Sequential([
    keras.Input(shape=(256,)),
${[0, 1, 2, 3].map(() => `    layers.Dense(256, activation="relu"${initializer}),`).join('\n')}
    layers.Dense(10),
])
`;
}

function flaxStack(kernelInit: string): string {
  return `from flax import nnx


class MLP(nnx.Module):
  def __init__(self, rngs: nnx.Rngs):
    self.hidden = [nnx.Linear(256, 256${kernelInit}, rngs=rngs) for _ in range(4)]
    self.head = nnx.Linear(256, 10, rngs=rngs)

  def __call__(self, x):
    for layer in self.hidden:
      x = nnx.relu(layer(x))
    return self.head(x)
`;
}

describe('inlay hints in Keras and Flax words', () => {
  before(loadGrammar);

  it("Keras: the default says so with its name (Glorot·U) and the tooltip names Keras' layer default", () => {
    const { labels, tooltips } = frameworkHints(kerasStack(''));
    assert.equal(labels[0], 'Keras default (Glorot·U) ⚠ ×0.5/layer ReLU');
    assert.match(tooltips[0]!, /the layer's Keras default/);
    assert.doesNotMatch(tooltips[0]!, /reset_parameters/);
  });

  it('Keras: he_normal is He·N ✓, VarianceScaling shows its scale and mode, RandomNormal its stddev', () => {
    assert.equal(frameworkHints(kerasStack(', kernel_initializer="he_normal"')).labels[0], 'He·N ✓ ReLU');
    assert.equal(
      frameworkHints(kerasStack(', kernel_initializer=initializers.VarianceScaling(2.0, mode="fan_out", distribution="truncated_normal")')).initLabels[0],
      'VS(2, fan_out)',
    );
    assert.equal(frameworkHints(kerasStack(', kernel_initializer="lecun_normal"')).initLabels[0], 'LeCun·N');
    assert.equal(frameworkHints(kerasStack(', kernel_initializer=initializers.RandomNormal(stddev=0.02)')).initLabels[0], 'N(0, 0.02)');
  });

  it('Keras: the Embedding default is RandomUniform(±0.05)', () => {
    const { initLabels } = frameworkHints('import keras\nfrom keras import layers\nmodel = keras.Sequential([layers.Embedding(1000, 64), layers.Dense(64)])\n');
    assert.equal(initLabels[0], 'Keras default (U(-0.05, 0.05))');
  });

  it("Flax: the default is LeCun normal, marked before ReLU; the tooltip names Flax's default", () => {
    const { labels, tooltips } = frameworkHints(flaxStack(''));
    assert.equal(labels[0], 'Flax default (LeCun·N) ⚠ ×0.5/layer ReLU');
    assert.match(tooltips[0]!, /the module's Flax default/);
  });

  it("Flax: he_normal ✓, normal(stddev) and uniform(scale) in JAX's meaning (U on [0, scale))", () => {
    assert.equal(frameworkHints(flaxStack(', kernel_init=nnx.initializers.he_normal()')).labels[0], 'He·N ✓ ReLU');
    assert.equal(frameworkHints(flaxStack(', kernel_init=nnx.initializers.normal(stddev=0.02)')).initLabels[0], 'N(0, 0.02)');
    assert.equal(frameworkHints(flaxStack(', kernel_init=nnx.initializers.uniform(scale=0.1)')).initLabels[0], 'U(0, 0.1)');
    assert.equal(frameworkHints(flaxStack(', kernel_init=nnx.initializers.variance_scaling(2.0, "fan_in", "normal")')).initLabels[0], 'VS(2, fan_in)');
  });
});
