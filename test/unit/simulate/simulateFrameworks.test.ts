/**
 * Flax models in the simulator: a Flax MLP with the same layers and inits (in JAX's own semantics)
 * as a PyTorch reference network gives the torch-measured per-layer forward and backward variances,
 * within the tolerance of simulateAnalytic.test.ts (support/torchOracle.ts). The recommendation is
 * simulated as the Flax or Keras fix writes it, and a swapped init fails the comparison.
 *
 * References (real PyTorch 1.13, 5 seeds): test/fixtures/torch-reference/*.torch.json, and
 * test/fixtures/torch/relu_mlp20_lecun_normal for the Flax
 * default (the oracle's LeCun normal has the variance of JAX's lecun_normal, 1/fan_in).
 *
 * Equivalences (jax/_src/nn/initializers.py): he_normal, glorot_normal and lecun_normal are truncated
 * normals std-corrected to the variance of kaiming_normal_(relu), xavier_normal_ and the oracle's
 * LeCun normal; glorot_uniform = xavier_uniform_; variance_scaling(25/9, fan_avg, uniform) =
 * xavier_uniform_(gain=5/3); normal(stddev=0.02) is untruncated like normal_(std=0.02); nn.gelu with
 * approximate=False is torch's exact GELU. Mean field sees the variance only.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Recommendation } from '../../../src/core/advice/types';
import { analyzeFile } from '../../../src/core/engine';
import { spellInitializer } from '../../../src/core/frameworks/flax/fixes';
import { flaxInitCall, flaxRecommendedCall } from '../../../src/core/frameworks/flax/simulation';
import type { Model } from '../../../src/core/graph';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { distributionVariance } from '../../../src/core/simulate/distributions';
import { networkFromModel, type FromModelOptions } from '../../../src/core/simulate/fromGraph';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { AffineLayer, SimNetwork } from '../../../src/core/simulate/network';
import { resolveNetwork } from '../../../src/core/simulate/resolve';
import { loadGrammar } from '../support/python';
import { compareToOracle, REFERENCE_DIRS, type OracleComparison, type OracleLayer } from '../support/torchOracle';
import { dialectFor } from '../../../src/core/frameworks/registry';

function oracle(reference: string): OracleLayer[] {
  const directory = REFERENCE_DIRS.find((candidate) => existsSync(path.join(candidate, `${reference}.torch.json`)));
  assert.ok(directory, `no reference ${reference}`);
  return (JSON.parse(readFileSync(path.join(directory, `${reference}.torch.json`), 'utf8')) as { layers: OracleLayer[] }).layers;
}

/** A 20-layer width-512 nnx MLP: 19 hidden layers with `activation`, a linear output layer. */
function nnxMlp(activation: string, kernelInit: string | null): string {
  const init = kernelInit === null ? '' : `kernel_init=${kernelInit}, `;
  return `from flax import nnx


class MLP(nnx.Module):
  def __init__(self, rngs: nnx.Rngs):
    self.hidden = [nnx.Linear(512, 512, ${init}rngs=rngs) for _ in range(19)]
    self.output_layer = nnx.Linear(512, 512, ${init}rngs=rngs)

  def __call__(self, x):
    for layer in self.hidden:
      x = ${activation.replace('X', 'layer(x)')}
    return self.output_layer(x)
`;
}

/** The same network in linen: `@nn.compact`, the input size inferred at the first call. */
function linenMlp(activation: string, kernelInit: string): string {
  return `import flax.linen as nn
import jax.numpy as jnp


class MLP(nn.Module):
  @nn.compact
  def __call__(self, x):
    for _ in range(19):
      x = ${activation.replace('X', `nn.Dense(512, kernel_init=${kernelInit})(x)`)}
    return nn.Dense(512, kernel_init=${kernelInit})(x)
`;
}

function keras(activation: string, initializer: string | null): string {
  const init = initializer === null ? '' : `, kernel_initializer=${initializer}`;
  return `import keras
from keras import layers

inputs = keras.Input(shape=(512,))
x = inputs
for _ in range(19):
    x = layers.Dense(512, activation="${activation}"${init})(x)
outputs = layers.Dense(512${init})(x)
model = keras.Model(inputs, outputs)
`;
}

/** The input every reference network takes: 512 features N(0, 1) (linen cannot know it from the code). */
const INPUT: FromModelOptions['input'] = { kind: 'vector', width: 512 };

function analysed(source: string, framework: Model['framework']): { model: Model; options: (init: 'current' | 'recommended') => FromModelOptions } {
  const analysis = analyzeFile(source, 'model.py');
  const model = analysis.graph.models[0]!;
  assert.equal(model.framework, framework);
  return { model, options: (init) => ({ init, signals: analysis.advice.signals, input: INPUT, dialect: dialectFor(model.framework) }) };
}

function network(source: string, framework: Model['framework'], init: 'current' | 'recommended' = 'current'): SimNetwork {
  const { model, options } = analysed(source, framework);
  return resolveNetwork(networkFromModel(model, options(init)));
}

function compare(net: SimNetwork, reference: string): OracleComparison {
  const stats = simulateAnalytic(net).filter((layer) => layer.type === 'linear');
  assert.equal(stats.length, 20, `simulated layers (notes: ${(net.notes ?? []).join('; ')})`);
  return compareToOracle(stats, oracle(reference));
}

/**
 * Forward statistics of the 19 hidden layers only: the recommendation for the linear output layer
 * is LeCun (σ_w² = 1, nothing follows it), where the reference keeps He, so the output layer and
 * every backward statistic (which passes through it) differ by design.
 */
function compareHidden(net: SimNetwork, reference: string): string[] {
  const stats = simulateAnalytic(net)
    .filter((layer) => layer.type === 'linear')
    .slice(0, 19);
  return compareToOracle(stats, oracle(reference).slice(0, 19)).failures.filter((failure) => !failure.includes('grad_input_var'));
}

const FLAX_CASES = [
  { reference: 'relu_mlp20_kaiming_normal', style: 'nnx', source: nnxMlp('nnx.relu(X)', 'nnx.initializers.he_normal()') },
  { reference: 'relu_mlp20_kaiming_normal', style: 'linen', source: linenMlp('nn.relu(X)', 'nn.initializers.kaiming_normal()') },
  { reference: 'relu_mlp20_xavier_uniform', style: 'linen', source: linenMlp('nn.relu(X)', 'nn.initializers.glorot_uniform()') },
  { reference: 'tanh_mlp20_xavier_normal', style: 'nnx', source: nnxMlp('nnx.tanh(X)', 'nnx.initializers.xavier_normal()') },
  {
    reference: 'tanh_mlp20_xavier_uniform_gain_tanh',
    style: 'linen',
    source: linenMlp('jnp.tanh(X)', 'nn.initializers.variance_scaling(25 / 9, "fan_avg", "uniform")'),
  },
  { reference: 'selu_mlp20_lecun_normal', style: 'linen', source: linenMlp('nn.selu(X)', 'nn.initializers.lecun_normal()') },
  { reference: 'gelu_mlp20_normal002', style: 'linen', source: linenMlp('nn.gelu(X, approximate=False)', 'nn.initializers.normal(stddev=0.02)') },
  { reference: 'relu_mlp20_lecun_normal', style: 'nnx (Flax default kernel_init)', source: nnxMlp('nnx.relu(X)', null) },
];

/** Worst error against its tolerance per case, printed once for the record (BENCHMARKS-style figures). */
const figures: string[] = [];

describe('Flax models in the simulator, against PyTorch', () => {
  before(loadGrammar);
  after(() => {
    if (process.env.INIT_LENS_FIGURES) {
      console.log(figures.join('\n'));
    }
  });

  for (const { reference, style, source } of FLAX_CASES) {
    it(`a ${style} MLP equivalent to ${reference}: every layer forward and backward within the seed spread`, () => {
      const { failures, worst } = compare(network(source, 'flax'), reference);
      figures.push(`flax ${style} ${reference}: worst ${(worst.error * 100).toFixed(2)}% vs tolerance ${(worst.tolerance * 100).toFixed(2)}% (${worst.where})`);
      assert.deepEqual(failures, []);
    });
  }

  it("the preview's path: a linen network keeps its input size as a symbol, and setting it resolves the init's fans", () => {
    const { model, options } = analysed(linenMlp('nn.relu(X)', 'nn.initializers.he_normal()'), 'flax');
    const symbolic = networkFromModel(model, { ...options('current'), input: undefined });
    assert.deepEqual(symbolic.input, { kind: 'vector', width: 'x.shape[-1]' });
    const resolved = resolveNetwork(symbolic, { symbols: { 'x.shape[-1]': 512 } });
    const stats = simulateAnalytic(resolved).filter((layer) => layer.type === 'linear');
    assert.deepEqual(compareToOracle(stats, oracle('relu_mlp20_kaiming_normal')).failures, []);
  });

  it('samples JAX semantics: he_normal is the std-corrected truncated normal, normal(stddev) is not truncated, uniform(scale) is U[0, scale)', () => {
    const he = network(nnxMlp('nnx.relu(X)', 'nnx.initializers.he_normal()'), 'flax').layers[0] as AffineLayer;
    assert.equal(he.weight.kind, 'truncated_normal');
    assert.ok(Math.abs(distributionVariance(he.weight) - 2 / 512) < 1e-12);
    const gelu = network(linenMlp('nn.gelu(X, approximate=False)', 'nn.initializers.normal(stddev=0.02)'), 'flax').layers[0] as AffineLayer;
    assert.deepEqual(gelu.weight, { kind: 'normal', mean: 0, std: 0.02 });
    const uniform = network(linenMlp('nn.relu(X)', 'nn.initializers.uniform(scale=0.1)'), 'flax').layers[0] as AffineLayer;
    assert.deepEqual(uniform.weight, { kind: 'uniform', low: 0, high: 0.1 });
    assert.deepEqual(uniform.bias, { kind: 'constant', value: 0 });
  });

  it("a Flax Embed's default is N(0, 1/features) (variance_scaling with out_axis=0), LayerNorm ε 1e-6", () => {
    const source = `from flax import nnx


class Tokens(nnx.Module):
  def __init__(self, rngs: nnx.Rngs):
    self.embed = nnx.Embed(1000, 64, rngs=rngs)
    self.norm = nnx.LayerNorm(64, rngs=rngs)

  def __call__(self, ids):
    return self.norm(self.embed(ids))
`;
    const net = networkFromModel(analysed(source, 'flax').model, { init: 'current', dialect: dialectFor('flax') });
    const [embed, norm] = net.layers;
    assert.equal(embed?.op, 'embedding');
    assert.ok(embed?.op === 'embedding' && Math.abs(distributionVariance(embed.weight) - 1 / 64) < 1e-12, JSON.stringify(embed));
    assert.ok(norm?.op === 'layernorm' && norm.eps === 1e-6, JSON.stringify(norm));
  });

  it('a Flax Dropout: rate is p in training, deterministic=True passes the input through', () => {
    const dropout = (deterministic: string) => {
      const source = `import flax.linen as nn


class Block(nn.Module):
  @nn.compact
  def __call__(self, x):
    x = nn.relu(nn.Dense(64)(x))
    return nn.Dropout(rate=0.1, deterministic=${deterministic})(x)
`;
      return networkFromModel(analysed(source, 'flax').model, {
        init: 'current',
        input: { kind: 'vector', width: 64 },
        dialect: dialectFor('flax'),
      }).layers.find((layer) => layer.op === 'dropout');
    };
    assert.equal(dropout('False')?.op === 'dropout' && dropout('False')?.p, 0.1);
    assert.equal(dropout('True')?.op === 'dropout' && dropout('True')?.p, 0);
  });

  it('the recommended network is what the Flax fix writes (he_normal, lecun_normal for the output; truncated) and matches kaiming_normal_ in torch', () => {
    const recommended = network(nnxMlp('nnx.relu(X)', null), 'flax', 'recommended');
    const [first, last] = [recommended.layers[0], recommended.layers[19]] as AffineLayer[];
    assert.deepEqual(first!.weightInit, { name: 'variance_scaling', args: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' } });
    assert.deepEqual(last!.weightInit, { name: 'variance_scaling', args: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' } });
    assert.deepEqual(compareHidden(recommended, 'relu_mlp20_kaiming_normal'), []);
  });

  it('simulates a recommendation exactly as the Flax fix spells it (the spelled initializer, read back by the adapter)', () => {
    const recommendations: Recommendation[] = [
      { name: 'kaiming_normal', args: { nonlinearity: 'relu' }, label: 'He', citation: '' },
      { name: 'kaiming_normal', args: { nonlinearity: 'linear' }, label: 'LeCun', citation: '' },
      { name: 'kaiming_normal', args: { nonlinearity: 'leaky_relu', a: 0.2 }, label: 'He·leaky', citation: '' },
      { name: 'xavier_uniform', args: { gain: 5 / 3 }, label: 'Xavier·tanh', citation: '' },
      { name: 'normal', args: {}, gain: 1.5335, label: 'GELU gain', citation: '' },
      { name: 'orthogonal', args: {}, label: 'Orthogonal', citation: '' },
    ];
    for (const recommendation of recommendations) {
      const spelled = spellInitializer(recommendation, 'nnx.initializers', '"');
      assert.ok(spelled, recommendation.label);
      const weight = analysed(nnxMlp('nnx.relu(X)', spelled), 'flax').model.layers[0]!.init.weight!;
      const simulated = flaxRecommendedCall(recommendation)!;
      const written = flaxInitCall(weight.name, weight.args, [512, 512]);
      // The fix writes the scale to 6 significant digits.
      const { scale, ...rest } = simulated.args;
      const { scale: writtenScale, ...writtenRest } = written.args;
      assert.deepEqual({ name: simulated.name, args: rest }, { name: written.name, args: writtenRest }, `${recommendation.label}: ${spelled}`);
      assert.ok(
        scale === writtenScale || Math.abs((scale as number) / (writtenScale as number) - 1) < 1e-5,
        `${recommendation.label}: scale ${scale} vs ${writtenScale}`,
      );
    }
  });

  it('discriminates: the Flax default (lecun_normal) fails against the He reference, He fails against the LeCun one', () => {
    assert.ok(compare(network(nnxMlp('nnx.relu(X)', null), 'flax'), 'relu_mlp20_kaiming_normal').failures.length > 10);
    assert.ok(compare(network(nnxMlp('nnx.relu(X)', 'nnx.initializers.he_normal()'), 'flax'), 'relu_mlp20_lecun_normal').failures.length > 10);
  });

  it('Monte Carlo samples the Flax network: He keeps the ReLU signal (first pre-activation variance 2, last within 25%)', function () {
    this.timeout(60_000);
    const net = network(nnxMlp('nnx.relu(X)', 'nnx.initializers.he_normal()'), 'flax');
    const layers = simulateMonteCarlo(net, { batch: 256, seed: 7 }).layers.filter((layer) => layer.type === 'linear');
    assert.equal(layers.length, 20);
    assert.ok(Math.abs(layers[0]!.forward.preVar - 2) < 0.1, `${layers[0]!.forward.preVar}`);
    assert.ok(Math.abs(layers[19]!.forward.preVar - 2) < 0.5, `${layers[19]!.forward.preVar}`);
  });
});

describe('Keras models in the simulator: defaults and recommendations', () => {
  before(loadGrammar);

  it("Keras' default kernel (glorot_uniform) is xavier_uniform_: every layer within the seed spread", () => {
    assert.deepEqual(compare(network(keras('relu', null), 'keras'), 'relu_mlp20_xavier_uniform').failures, []);
  });

  it('the recommended network is what the Keras fix writes ("he_normal", truncated) and matches kaiming_normal_ in torch', () => {
    const recommended = network(keras('relu', null), 'keras', 'recommended');
    const first = recommended.layers[0] as AffineLayer;
    assert.equal(first.weight.kind, 'truncated_normal');
    assert.ok(Math.abs(distributionVariance(first.weight) - 2 / 512) < 1e-12);
    assert.deepEqual(compareHidden(recommended, 'relu_mlp20_kaiming_normal'), []);
  });

  it('a Sequential without an Input learns its input size at the first call: the given input size binds it', () => {
    const source = `import keras
from keras import layers

model = keras.Sequential([layers.Dense(512, activation="relu") for _ in range(19)] + [layers.Dense(512)])
`;
    const net = network(source, 'keras');
    assert.ok(
      (net.notes ?? []).some((note) => /input size .* is inferred by Keras at the first call: 512/.test(note)),
      (net.notes ?? []).join('; '),
    );
    assert.deepEqual(compare(net, 'relu_mlp20_xavier_uniform').failures, []);
  });

  it('discriminates: the Keras default fails against the He reference', () => {
    assert.ok(compare(network(keras('relu', null), 'keras'), 'relu_mlp20_kaiming_normal').failures.length > 10);
  });
});
