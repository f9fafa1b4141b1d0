/**
 * Keras models in the simulator: a Keras MLP with the same layers and inits (in Keras' own
 * semantics) as a PyTorch reference network gives the torch-measured per-layer variances.
 * References: what real PyTorch 1.13 measured over 5 seeds for the twin network
 * (test/fixtures/torch-reference/*.torch.json). Every layer's forward pre_var and post_m2 and backward
 * grad_input_var, with the tolerance of simulateAnalytic.test.ts (support/torchOracle.ts).
 *
 * Equivalences: Keras glorot_uniform = xavier_uniform_ (both U(±√(6/(in+out)))); VarianceScaling
 * (25/9, fan_avg, uniform) = xavier_uniform_(gain=5/3); he_normal and lecun_normal are truncated
 * normals std-corrected to the variance of kaiming_normal_(relu) and of the oracle's LeCun normal:
 * same variance, a different fourth moment, which the mean-field pass does not see; glorot_normal is
 * the truncated normal with xavier_normal_'s variance; RandomNormal(stddev=0.02) is normal_(std=0.02)
 * (untruncated); Keras' "gelu" is the exact (erf) GELU, as torch's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import { loadGrammar } from '../support/python';
import { compareToOracle, TORCH_REFERENCE_DIR, type OracleLayer } from '../support/torchOracle';
import { dialectFor } from '../../../src/core/frameworks/registry';

function kerasMlp(activation: string, initializer: string): string {
  return `import keras
from keras import layers, initializers

inputs = keras.Input(shape=(512,))
x = inputs
for _ in range(19):
    x = layers.Dense(512, activation="${activation}", kernel_initializer=${initializer})(x)
outputs = layers.Dense(512, kernel_initializer=${initializer})(x)
model = keras.Model(inputs, outputs)
`;
}

const CASES = [
  { reference: 'relu_mlp20_xavier_uniform', source: kerasMlp('relu', '"glorot_uniform"') },
  {
    reference: 'tanh_mlp20_xavier_uniform_gain_tanh',
    source: kerasMlp('tanh', 'initializers.VarianceScaling(scale=25 / 9, mode="fan_avg", distribution="uniform")'),
  },
  { reference: 'relu_mlp20_kaiming_normal', source: kerasMlp('relu', '"he_normal"') },
  { reference: 'selu_mlp20_lecun_normal', source: kerasMlp('selu', '"lecun_normal"') },
  { reference: 'tanh_mlp20_xavier_normal', source: kerasMlp('tanh', '"glorot_normal"') },
  { reference: 'gelu_mlp20_normal002', source: kerasMlp('gelu', 'initializers.RandomNormal(stddev=0.02)') },
];

describe('Keras models in the simulator', () => {
  before(loadGrammar);

  for (const { reference, source } of CASES) {
    it(`a Keras MLP equivalent to ${reference}: every layer forward and backward within the seed spread`, () => {
      const oracle = (JSON.parse(readFileSync(path.join(TORCH_REFERENCE_DIR, `${reference}.torch.json`), 'utf8')) as { layers: OracleLayer[] }).layers;
      const analysis = analyzeFile(source, `${reference}.py`);
      const model = analysis.graph.models[0]!;
      assert.equal(model.framework, 'keras');
      const network = networkFromModel(model, { init: 'current', signals: analysis.advice.signals, dialect: dialectFor(model.framework) });
      const stats = simulateAnalytic(network).filter((layer) => layer.type === 'linear');
      assert.equal(stats.length, oracle.length, `simulated layers (notes: ${(network.notes ?? []).join('; ')})`);
      assert.deepEqual(compareToOracle(stats, oracle).failures, []);
    });
  }
});
