/**
 * Oracle specs → SimNetwork (fromSpec.ts) and initializer distributions (distributions.ts), held to
 * the `param_theory` moments real PyTorch's oracle reports for every parametrised layer of every
 * reference run (test/fixtures/torch-reference) and fixture (test/fixtures/torch).
 */
import assert from 'node:assert/strict';
import { affineWeightShape, distributionMean, distributionVariance, torchDistribution, torchModuleDefault } from '../../../src/core/simulate/distributions';
import { networkFromSpec } from '../../../src/core/simulate/fromSpec';
import type { Distribution, SimLayer } from '../../../src/core/simulate/network';
import { referencePairs } from '../support/torchOracle';

interface OracleLayer {
  index: number;
  type: string;
  param_theory?: Record<string, { mean: number; var: number }>;
}

/** The tensor shape a parameter's variance depends on (orthogonal only). */
function shapeOf(layer: SimLayer): number[] | undefined {
  return layer.op === 'linear' || layer.op === 'conv1d' || layer.op === 'conv2d' ? affineWeightShape(layer) : undefined;
}

function parameter(layer: SimLayer, name: string): Distribution | null | undefined {
  if (!('weight' in layer)) {
    return undefined;
  }
  if (name === 'weight') {
    return layer.weight;
  }
  return 'bias' in layer ? layer.bias : undefined;
}

function close(actual: number, expected: number, relative: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected) + 1e-15, `${label}: expected ${expected}, got ${actual}`);
}

describe('simulate: oracle specs and init distributions', () => {
  const pairs = referencePairs<{ layers: OracleLayer[] }>();

  it('finds the reference runs and fixtures', () => {
    assert.ok(pairs.length >= 13, `found ${pairs.length}`);
  });

  for (const pair of pairs) {
    it(`${pair.name}: every param_theory mean and var equals the distribution's`, () => {
      const network = networkFromSpec(pair.spec);
      assert.equal(network.layers.length, pair.torch.layers.length, 'one SimLayer per oracle layer');
      let checked = 0;
      pair.torch.layers.forEach((reference, index) => {
        const layer = network.layers[index];
        assert.equal(layer.op, reference.type, `layer ${index} op`);
        for (const [name, theory] of Object.entries(reference.param_theory ?? {})) {
          const distribution = parameter(layer, name);
          assert.ok(distribution, `layer ${index} ${name}: no distribution`);
          close(distributionVariance(distribution, shapeOf(layer)), theory.var, 1e-9, `layer ${index} ${name} var`);
          close(distributionMean(distribution), theory.mean, 1e-9, `layer ${index} ${name} mean`);
          checked++;
        }
      });
      assert.ok(checked > 0, 'some parameters have a theory');
    });
  }

  describe('torchDistribution', () => {
    const fans = { fanIn: 512, fanOut: 256 };

    it('kaiming_uniform(a=√5) is the Linear default U(±1/√fan_in)', () => {
      const kaiming = torchDistribution('kaiming_uniform', { a: Math.sqrt(5) }, fans);
      const fallback = torchModuleDefault('affine', 'weight', fans);
      assert.ok(kaiming?.kind === 'uniform' && fallback?.kind === 'uniform');
      close(kaiming.high, 1 / Math.sqrt(512), 1e-12, 'bound');
      close(fallback.high, 1 / Math.sqrt(512), 1e-12, 'default bound');
    });

    it('kaiming_normal fan_out relu is N(0, 2/fan_out)', () => {
      const d = torchDistribution('kaiming_normal', { mode: 'fan_out', nonlinearity: 'relu' }, fans);
      close(distributionVariance(d as Distribution), 2 / 256, 1e-12, 'var');
    });

    it('xavier_uniform takes a gain spelled as a nonlinearity', () => {
      const d = torchDistribution('xavier_uniform', { gain: 'leaky_relu(0.2)' }, fans);
      close(distributionVariance(d as Distribution), (2 / 1.04) * (2 / 768), 1e-12, 'var');
    });

    it('trunc_normal bounds are absolute: std 1 cut at ±1 has variance 0.2911', () => {
      const d = torchDistribution('trunc_normal', { std: 1, a: -1, b: 1 }, fans);
      close(distributionVariance(d as Distribution), 0.29112509, 1e-6, 'var');
    });

    it('variance_scaling truncated_normal is std-corrected: variance scale/fan', () => {
      const d = torchDistribution('variance_scaling', { scale: 2, mode: 'fan_avg' }, fans);
      close(distributionVariance(d as Distribution), 2 / 384, 1e-9, 'var');
    });

    it('orthogonal variance is gain²/max(rows, cols) of the flattened weight', () => {
      const d = torchDistribution('orthogonal', { gain: 2 }, fans) as Distribution;
      close(distributionVariance(d, [64, 64, 5]), 4 / 320, 1e-12, 'conv');
      assert.ok(Number.isNaN(distributionVariance(d)));
    });

    it('returns null for what torch rejects or does not know', () => {
      assert.equal(torchDistribution('xavier_uniform', { gain: 'gelu' }, fans), null);
      assert.equal(torchDistribution('kaiming_normal', { mode: 'fan_avg' }, fans), null);
      assert.equal(torchDistribution('uniform', { a: 1, b: 0 }, fans), null);
      assert.equal(torchDistribution('my_init', {}, fans), null);
    });
  });

  describe('networkFromSpec', () => {
    it('expands blocks, reads activations and defaults', () => {
      const network = networkFromSpec({
        input: { width: 8 },
        layers: [
          { repeat: 2, block: [{ type: 'residual_begin' }, { type: 'linear', out: 8, activation: 'leaky_relu(0.2)' }, { type: 'residual_end', scale: 0.5 }] },
          { type: 'linear', out: 4, activation: { name: 'gelu', approximate: 'tanh' } },
        ],
      });
      assert.deepEqual(
        network.layers.map((layer) => layer.op),
        ['residual_begin', 'linear', 'residual_end', 'residual_begin', 'linear', 'residual_end', 'linear'],
      );
      assert.deepEqual(network.layers[1].activation, { name: 'leaky_relu', params: { negative_slope: 0.2 } });
      assert.deepEqual(network.layers[6].activation, { name: 'gelu', params: { approximate: 'tanh' } });
      const last = network.layers[2];
      assert.ok(last.op === 'residual_end' && last.scale === 0.5);
    });

    it('pads "same" convs by (k−1)/2 and strided ones by k//2', () => {
      const network = networkFromSpec({
        input: { channels: 3, height: 16, width: 16 },
        layers: [
          { type: 'conv2d', out_channels: 8, kernel_size: 3 },
          { type: 'conv2d', out_channels: 8, kernel_size: 5, stride: 2 },
        ],
      });
      const [first, second] = network.layers;
      assert.ok(first.op === 'conv2d' && second.op === 'conv2d');
      assert.deepEqual(first.padding, [1, 1]);
      assert.deepEqual(second.padding, [2, 2]);
      assert.deepEqual(second.stride, [2, 2]);
    });

    for (const [label, spec, message] of [
      ['not an object', 3, /JSON object/],
      ['no input', { layers: [{ type: 'linear', out: 3 }] }, /input/],
      ['a width mismatch', { input: { width: 4 }, layers: [{ type: 'linear', in: 5, out: 3 }] }, /in_features 5 != incoming width 4/],
      ['an unknown activation', { input: { width: 4 }, layers: [{ type: 'linear', out: 3, activation: 'swoosh' }] }, /unknown activation/],
      ['an unknown init', { input: { width: 4 }, layers: [{ type: 'linear', out: 3, init: 'magic(2)' }] }, /unknown or invalid init/],
      ['a gain torch rejects', { input: { width: 4 }, layers: [{ type: 'linear', out: 3, init: { name: 'xavier_normal', gain: 'gelu' } }] }, /calculate_gain/],
      ['an unmatched residual_end', { input: { width: 4 }, layers: [{ type: 'residual_end' }] }, /no residual_begin/],
      ['an embedding not first', { input: { width: 4 }, layers: [{ type: 'embedding', num_embeddings: 3, embedding_dim: 2 }] }, /first layer/],
      ['eval mode', { input: { width: 4 }, mode: 'eval', layers: [{ type: 'linear', out: 3 }] }, /train/],
    ] as const) {
      it(`throws a clear error on ${label}`, () => {
        assert.throws(() => networkFromSpec(spec), message);
      });
    }
  });
});
