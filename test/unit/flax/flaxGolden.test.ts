/**
 * Flax golden fixtures: each test/fixtures/flax/NAME.py against NAME.graph.json (a subset: the
 * fields written there must match; see the fixtures' README), plus numbers computed by hand from
 * JAX's and Flax's sources for a few layers of them.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import type { LayerJson } from '../../../src/core/graphJson';
import { describeGoldenFixtures, fixtureGraph } from '../support/goldenFixtures';

function graphOf(name: string) {
  return fixtureGraph('flax', name);
}

function layer(file: string, model: string, name: string): LayerJson {
  const found = graphOf(file)
    .models.find((m) => m.name === model)
    ?.layers.find((l) => l.name === name);
  assert.ok(found, `${file}: ${model}.${name} exists`);
  return found;
}

describeGoldenFixtures('flax', {
  title: 'golden fixtures (Flax)',
  minimumPairs: 15,
  pairsAlso: {
    title: 'linen and nnx',
    check: (pairs) => assert.ok(pairs.some((p) => p.startsWith('nnx_')) && pairs.some((p) => p.startsWith('linen_'))),
  },
  checkFile: (_analysis, json) => assert.equal(json.framework, 'flax'),
  more: () => {
    describe('hand-computed from Flax and JAX sources', () => {
      it('nnx Conv(1, 32, (3, 3)): kernel (3, 3, 1, 32) → fan_in 9, fan_out 288, lecun_normal 1/9', () => {
        const conv = layer('nnx_cnn', 'CNN', 'conv1');
        assert.equal(conv.fanIn, 9);
        assert.equal(conv.fanOut, 288);
        assert.ok(Math.abs(conv.init.weight!.variance! - 1 / 9) < 1e-12);
        assert.equal(conv.init.bias!.variance, 0);
      });

      it('nnx Embed(10000, 256) defaults to variance_scaling(1, fan_in, normal, out_axis=0): N(0, 1/256)', () => {
        const embed = layer('nnx_custom_init', 'TextEncoder', 'embed');
        assert.equal(embed.init.weight!.name, 'variance_scaling');
        assert.ok(Math.abs(embed.init.weight!.variance! - 1 / 256) < 1e-15);
      });

      it('truncated_normal(stddev=0.02) is not std-corrected: 0.02² × Var(z | −2 < z < 2) = 0.0004 × 0.773741', () => {
        const dense = layer('linen_custom_inits', 'InitZoo', 'Dense_4');
        assert.ok(Math.abs(dense.init.weight!.variance! / (0.0004 * 0.7737413035499232) - 1) < 1e-9);
      });

      it('uniform(scale=0.1) is U[0, 0.1): variance 0.01/12', () => {
        const dense = layer('linen_custom_inits', 'InitZoo', 'Dense_5');
        assert.ok(Math.abs(dense.init.weight!.variance! - 0.01 / 12) < 1e-15);
        assert.equal(dense.init.bias, null, 'use_bias=False: no bias');
      });

      it('variance_scaling(2.0, "fan_out", "normal") on a (64, 64) kernel: 2/64; orthogonal(scale=2): 4/64', () => {
        assert.ok(Math.abs(layer('linen_custom_inits', 'InitZoo', 'Dense_2').init.weight!.variance! - 2 / 64) < 1e-15);
        assert.ok(Math.abs(layer('linen_custom_inits', 'InitZoo', 'Dense_6').init.weight!.variance! - 4 / 64) < 1e-15);
      });

      it('nn.gelu(x) is the tanh form (JAX default approximate=True); approximate=False is erf', () => {
        assert.deepEqual(layer('linen_gelu_mlp', 'GeluMLP', 'stem').activationParams, { approximate: 'tanh' });
        assert.deepEqual(layer('linen_gelu_mlp', 'GeluMLP', 'Dense_0').activationParams, { approximate: 'none' });
      });

      it('ResNet-18: projections only where the shape changes (blocks 2, 4, 6), last BN of each block is zero-init and ends the branch', () => {
        const names = graphOf('linen_resnet')
          .models.find((m) => m.name === 'ResNet18Classifier')!
          .layers.map((l) => l.name);
        assert.deepEqual(
          names.filter((n) => n.endsWith('conv_proj')),
          ['ResNet_0.ResNetBlock_2.conv_proj', 'ResNet_0.ResNetBlock_4.conv_proj', 'ResNet_0.ResNetBlock_6.conv_proj'],
        );
        const bn = layer('linen_resnet', 'ResNet18Classifier', 'ResNet_0.ResNetBlock_5.BatchNorm_1');
        assert.equal(bn.residual, true);
        assert.equal(bn.init.weight!.name, 'zeros');
        const conv = layer('linen_resnet', 'ResNet18Classifier', 'ResNet_0.ResNetBlock_2.Conv_0');
        assert.equal(conv.fanIn, 9 * 64);
        assert.equal(conv.fanOut, 9 * 128);
        assert.equal(conv.init.bias, null, 'partial(nn.Conv, use_bias=False)');
      });

      it('ConvTranspose(64, (3, 3)) on 16 channels: kernel (3, 3, 16, 64) → fan_in 144, fan_out 576', () => {
        const deconv = layer('linen_conv_autoencoder', 'ConvAutoencoder', 'dec1');
        assert.equal(deconv.fanIn, 144);
        assert.equal(deconv.fanOut, 576);
        assert.ok(Math.abs(deconv.init.weight!.variance! - 1 / 144) < 1e-15);
      });

      it('WMT Transformer: config.kernel_init = xavier_uniform → 2/(512+2048) on the MLP, bias normal(1e-6)', () => {
        const dense = layer('linen_wmt_transformer', 'TransformerEncoder', 'encoder.encoderblock_3.MlpBlock_0.Dense_0');
        assert.equal(dense.init.weight!.name, 'xavier_uniform', 'the name as written; JAX defines xavier_uniform = glorot_uniform');
        assert.ok(Math.abs(dense.init.weight!.variance! - 2 / (512 + 2048)) < 1e-15);
        assert.ok(Math.abs(dense.init.bias!.variance! - 1e-12) < 1e-24);
      });

      it('a file mixing PyTorch and Flax keeps each model with its framework', () => {
        const text = [
          'import torch',
          'import torch.nn as tnn',
          'import flax.linen as nn',
          '',
          'class TorchNet(tnn.Module):',
          '    def __init__(self):',
          '        super().__init__()',
          '        self.fc = tnn.Linear(8, 4)',
          '    def forward(self, x):',
          '        return torch.relu(self.fc(x))',
          '',
          'class FlaxNet(nn.Module):',
          '    @nn.compact',
          '    def __call__(self, x):',
          '        return nn.relu(nn.Dense(4)(x))',
          '',
        ].join('\n');
        const graph = analyzeText(text, 'mixed.py');
        assert.deepEqual(graph.models.map((m) => [m.name, m.framework, m.layers.map((l) => l.name)]).sort(), [
          ['FlaxNet', 'flax', ['Dense_0']],
          ['TorchNet', 'pytorch', ['fc']],
        ]);
      });

      it('lifted transforms it cannot follow (nn.scan) leave the activation before them unknown, not guessed', () => {
        const text = [
          'import flax.linen as nn',
          '',
          'class Block(nn.Module):',
          '  @nn.compact',
          '  def __call__(self, x, _):',
          '    return nn.relu(nn.Dense(16)(x)), None',
          '',
          'class Stack(nn.Module):',
          '  @nn.compact',
          '  def __call__(self, x):',
          '    x = nn.Dense(16, name="stem")(x)',
          "    ScanBlock = nn.scan(Block, variable_axes={'params': 0}, split_rngs={'params': True}, length=4)",
          '    x, _ = ScanBlock()(x, None)',
          '    return x',
          '',
        ].join('\n');
        const stack = analyzeText(text, 'scan.py').models.find((m) => m.name === 'Stack')!;
        assert.deepEqual(
          stack.layers.map((l) => [l.name, l.activation]),
          [['stem', 'unknown']],
        );
      });

      it('a loop of unknown length names its layers with *, runs once, and keeps the layer after it apart', () => {
        const text = [
          'from typing import Sequence',
          'import flax.linen as nn',
          '',
          'class MLP(nn.Module):',
          '  features: Sequence[int]',
          '  @nn.compact',
          '  def __call__(self, x):',
          '    for feat in self.features[:-1]:',
          '      x = nn.relu(nn.Dense(feat)(x))',
          '    return nn.Dense(self.features[-1])(x)',
          '',
        ].join('\n');
        const mlp = analyzeText(text, 'mlp.py').models[0]!;
        assert.deepEqual(
          mlp.layers.map((l) => [l.name, l.range.start.line + 1, l.activation === null || l.activation === 'unknown' ? l.activation : l.activation.name]),
          [
            ['Dense_*', 9, 'relu'],
            ['Dense_*', 10, null],
          ],
        );
      });

      it('nnx.List holds layers like a list: attribute paths layers.0, layers.1', () => {
        const text = [
          'from flax import nnx',
          '',
          'class L(nnx.Module):',
          '  def __init__(self, rngs):',
          '    self.layers = nnx.List([nnx.Linear(4, 4, rngs=rngs) for _ in range(2)])',
          '  def __call__(self, x):',
          '    for layer in self.layers:',
          '      x = nnx.relu(layer(x))',
          '    return x',
          '',
        ].join('\n');
        assert.deepEqual(
          analyzeText(text, 'l.py').models[0]!.layers.map((l) => l.name),
          ['layers.0', 'layers.1'],
        );
      });

      it('a hand-written swish x * nn.sigmoid(x) is SiLU, not sigmoid', () => {
        const text = [
          'import flax.linen as nn',
          'import jax',
          '',
          'class Net(nn.Module):',
          '  @nn.compact',
          '  def __call__(self, x):',
          '    x = nn.Dense(32)(x)',
          '    x = x * jax.nn.sigmoid(x)',
          '    h = nn.Dense(32)(x)',
          '    return nn.sigmoid(h) * nn.Dense(32)(x)',
          '',
        ].join('\n');
        const net = analyzeText(text, 'swish.py').models[0]!;
        assert.deepEqual(
          net.layers.map((l) => [l.name, l.activation === null || l.activation === 'unknown' ? l.activation : l.activation.name]),
          [
            ['Dense_0', 'silu'],
            ['Dense_1', 'sigmoid'],
            ['Dense_2', null],
          ],
        );
      });

      it('a jax-only file has no Flax models', () => {
        const graph = analyzeText('import jax\nimport jax.numpy as jnp\n\ndef mlp(params, x):\n  return jax.nn.relu(x @ params["w"])\n', 'jax_only.py');
        assert.deepEqual(graph.models, []);
      });
    });
  },
});
