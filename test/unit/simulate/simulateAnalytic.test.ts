/**
 * The analytic (mean-field) pass against real PyTorch: for every reference network
 * (test/fixtures/torch-reference) and every fixture made with the torch oracle (test/fixtures/torch), every
 * layer's forward pre-activation variance and post-activation second moment and backward
 * input-gradient variance must lie within the seed spread of the oracle's seed mean.
 *
 * Tolerance (support/torchOracle.ts): |analytic − seed mean| ≤ max(3·s, 3%)·|seed mean|, with s the relative seed-to-seed sd.
 * Five seeds give a noisy sd for a single layer (one layer can show 0.8% between neighbours at 3–6%),
 * and the spread accumulates along the pass (towards the output forward, towards the input
 * backward), so s is the largest relative sd of the statistic from the input up to the layer
 * (forward) or from the layer to the output (backward). The 3% floor covers the mean-field
 * approximation's own O(1/width) error.
 *
 * Widened, and why (each entry is a known limit of mean field, not a hidden failure):
 * - conv1d_silu_orthogonal, backward: with 64 channels the gate φ′(h) is correlated with the weights
 *   that made h (the gradient-independence assumption of Schoenholz et al. 2017 holds as width → ∞);
 *   the analytic gradient falls 1–8% short towards the input (−3.2% at layer 4 where the seed sd is
 *   0.8%). Floor 5% instead of 3%.
 */
import assert from 'node:assert/strict';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { networkFromSpec } from '../../../src/core/simulate/fromSpec';
import type { SimLayer, SimNetwork } from '../../../src/core/simulate/network';
import { compareToOracle, referencePairs, type OracleLayer, type Statistic } from '../support/torchOracle';

/** Relative floors wider than 3%, by reference and statistic (see the file comment for why). */
const WIDENED: Record<string, Partial<Record<Statistic, number>>> = {
  conv1d_silu_orthogonal: { grad_input_var: 0.05 },
};

function references(): { name: string; spec: unknown; layers: OracleLayer[] }[] {
  return referencePairs().map(({ name, spec, torch }) => ({ name, spec, layers: torch.layers }));
}

describe('simulate: analytic pass against PyTorch', () => {
  const all = references();

  it('has the reference runs and the fixtures', () => {
    const names = all.map((reference) => reference.name);
    for (const expected of [
      'relu_mlp20_kaiming_normal',
      'resnet_conv_bn',
      'pre_ln_transformer_mlp_gpt2',
      'embedding_pre_ln_scaled_residual',
      'conv2d_strided_bn',
    ]) {
      assert.ok(names.includes(expected), `missing ${expected}`);
    }
  });

  for (const reference of all) {
    it(`${reference.name}: every layer forward and backward within the seed spread`, () => {
      const stats = simulateAnalytic(networkFromSpec(reference.spec));
      assert.equal(stats.length, reference.layers.length);
      const { failures } = compareToOracle(stats, reference.layers, WIDENED[reference.name]);
      assert.deepEqual(failures, []);
    });
  }
});

/** A one-layer network around `layer` on the given input. */
function single(input: SimNetwork['input'], ...layers: SimLayer[]): SimNetwork {
  return { input, layers };
}

const linear = (name: string, width: number, std: number, activation: SimLayer['activation'] = null): SimLayer => ({
  name,
  op: 'linear',
  activation,
  inFeatures: width,
  outFeatures: width,
  kernel: [],
  stride: [],
  padding: [],
  groups: 1,
  weight: { kind: 'normal', mean: 0, std },
  bias: null,
});

describe('simulate: analytic pass, op by op', () => {
  it('counts the in-bounds taps of a zero-padded conv: 16×16 "same" 3×3 averages (46/16)² taps, not 9', () => {
    const network = single(
      { kind: 'image', channels: 4, height: 16, width: 16 },
      {
        name: 'conv',
        op: 'conv2d',
        activation: null,
        inFeatures: 4,
        outFeatures: 4,
        kernel: [3, 3],
        stride: [1, 1],
        padding: [1, 1],
        groups: 1,
        weight: { kind: 'normal', mean: 0, std: 1 },
        bias: null,
      },
    );
    const [stats] = simulateAnalytic(network);
    assert.ok(Math.abs(stats.forward.preVar - 4 * (46 / 16) ** 2) < 1e-9, `${stats.forward.preVar}`);
    // backward: each input is read by as many (output, tap) pairs on average
    assert.ok(Math.abs((stats.backward.gradInputVar as number) - 4 * (46 / 16) ** 2) < 1e-9);
  });

  it('strided conv: fewer reads per input backward (k=3, s=2 on 16 → 8 outputs)', () => {
    const network = single(
      { kind: 'signal', channels: 1, length: 16 },
      {
        name: 'conv',
        op: 'conv1d',
        activation: null,
        inFeatures: 1,
        outFeatures: 1,
        kernel: [3],
        stride: [2],
        padding: [1],
        groups: 1,
        weight: { kind: 'normal', mean: 0, std: 1 },
        bias: null,
      },
    );
    const [stats] = simulateAnalytic(network);
    // outputs o = 0..7 read inputs 2o−1..2o+1: 23 in-bounds taps over 8 outputs, 23 reads over 16 inputs
    assert.ok(Math.abs(stats.forward.preVar - 23 / 8) < 1e-12);
    assert.ok(Math.abs((stats.backward.gradInputVar as number) - 23 / 16) < 1e-12);
  });

  it('BatchNorm in train mode gives γ²·v/(v + ε) and divides the gradient by v + ε', () => {
    const network = single({ kind: 'vector', width: 64 }, linear('fc', 64, 0.01), {
      name: 'bn',
      op: 'batchnorm',
      activation: null,
      weight: { kind: 'constant', value: 2 },
      bias: { kind: 'constant', value: 0 },
      eps: 1e-3,
    });
    const [fc, bn] = simulateAnalytic(network);
    const v = fc.forward.preVar;
    assert.ok(Math.abs(v - 64e-4) < 1e-12);
    assert.ok(Math.abs(bn.forward.preVar - (4 * v) / (v + 1e-3)) < 1e-12);
    assert.ok(Math.abs((bn.backward.gradInputVar as number) - 4 / (v + 1e-3)) < 1e-9);
  });

  it('dropout scales E[x²] and the gradient by 1/(1 − p)', () => {
    const [, dropout] = simulateAnalytic(single({ kind: 'vector', width: 8 }, linear('fc', 8, 0.5), { name: 'drop', op: 'dropout', activation: null, p: 0.2 }));
    assert.ok(Math.abs(dropout.forward.postMeanSquare - 2 / 0.8) < 1e-12);
    assert.ok(Math.abs((dropout.backward.gradInputVar as number) - 1 / 0.8) < 1e-12);
  });

  it('a residual join adds the variances, the skip times scale²', () => {
    const stats = simulateAnalytic(
      single({ kind: 'vector', width: 16 }, { name: 'begin', op: 'residual_begin', activation: null }, linear('fc', 16, 0.5), {
        name: 'end',
        op: 'residual_end',
        activation: null,
        scale: 0.5,
      }),
    );
    assert.ok(Math.abs(stats[2].forward.preVar - (16 * 0.25 + 0.25)) < 1e-12);
    // the input gets the branch (16·0.25) and the skip (0.25) gradients
    assert.ok(Math.abs((stats[0].backward.gradInputVar as number) - (4 + 0.25)) < 1e-12);
  });

  it('an embedding first layer outputs its table and has no input gradient', () => {
    const stats = simulateAnalytic(
      single(
        { kind: 'tokens', length: 8 },
        { name: 'emb', op: 'embedding', activation: null, numEmbeddings: 100, embeddingDim: 16, weight: { kind: 'normal', mean: 0, std: 0.1 } },
      ),
    );
    assert.ok(Math.abs(stats[0].forward.preVar - 0.01) < 1e-12);
    assert.equal(stats[0].backward.gradInputVar, null);
  });

  it('throws on unresolved symbols and shape mismatches, naming the layer', () => {
    const symbolic = linear('fc', 8, 1);
    assert.throws(() => simulateAnalytic(single({ kind: 'vector', width: 'config.width' }, symbolic)), /config\.width/);
    assert.throws(() => simulateAnalytic(single({ kind: 'vector', width: 9 }, symbolic)), /fc: expects 8 input features/);
  });

  // Its speed is measured by the bench (test/bench/simulateBench.ts, BENCHMARKS.md), not here.
  it('runs 1,000 ReLU layers, He init keeping the pre-activation variance at 2 to the last', () => {
    const network = single(
      { kind: 'vector', width: 512 },
      ...Array.from({ length: 1000 }, (_, index) => linear(`fc${index}`, 512, Math.sqrt(2 / 512), { name: 'relu' })),
    );
    const stats = simulateAnalytic(network);
    assert.equal(stats.length, 1000);
    assert.ok(Math.abs(stats[999].forward.preVar - 2) < 1e-9, 'He init keeps q at 2 (σ_w² = 2 on the unit-variance input, then σ_w²·q/2)');
  });
});
