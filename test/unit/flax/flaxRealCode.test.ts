/**
 * Flax on patterns of real public code (Dopamine's Atari networks, big_vision's MLP-Mixer), each
 * reproducing a gap found by running the adapter on those files; written here in their style.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import type { Layer } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

function layerOf(text: string, model: string, name: string): Layer {
  const analysis = analyzeFile(text, 'real.py');
  const found = analysis.graph.models.find((m) => m.name === model)?.layers.find((l) => l.name === name);
  assert.ok(found, `${model}.${name} exists`);
  return found;
}

// Dopamine (jax/networks.py) spells TF1's old default as a variance_scaling whose scale is computed.
const RAINBOW = `
import math
import numpy as onp
from flax import linen as nn
import jax.numpy as jnp


class AtariQNetwork(nn.Module):
  num_actions: int

  @nn.compact
  def __call__(self, x):
    initializer = nn.initializers.variance_scaling(
        scale=1.0 / jnp.sqrt(3.0), mode='fan_in', distribution='uniform'
    )
    x = x.astype(jnp.float32) / 255.0
    x = nn.Conv(features=32, kernel_size=(8, 8), strides=(4, 4), kernel_init=initializer)(x)
    x = nn.relu(x)
    x = nn.Conv(features=64, kernel_size=(4, 4), strides=(2, 2), kernel_init=initializer)(x)
    x = nn.relu(x)
    x = nn.Conv(features=64, kernel_size=(3, 3), strides=(1, 1), kernel_init=initializer)(x)
    x = nn.relu(x)
    x = x.reshape((-1))
    x = nn.Dense(features=512, kernel_init=nn.initializers.variance_scaling(math.sqrt(4.0), 'fan_in', 'normal'))(x)
    x = nn.relu(x)
    x = nn.Dense(features=256, kernel_init=nn.initializers.variance_scaling(onp.sqrt(jnp.exp(0.0)), 'fan_in', 'normal'))(x)
    x = nn.relu(x)
    return nn.Dense(features=self.num_actions, kernel_init=initializer)(x)
`;

describe('Flax on real code', () => {
  before(loadGrammar);

  describe('scalar math in initializer arguments (Dopamine)', () => {
    it('variance_scaling(scale=1.0 / jnp.sqrt(3.0), fan_in, uniform) on a 4×4×32 kernel: Var = (1/√3)/512', () => {
      const conv = layerOf(RAINBOW, 'AtariQNetwork', 'Conv_1');
      assert.equal(conv.fanIn, 512);
      assert.ok(Math.abs(conv.init.weight!.variance! - 1 / Math.sqrt(3) / 512) < 1e-15);
    });

    it('math.sqrt and numpy.sqrt of jnp.exp fold too: the scale is 2 and 1', () => {
      const dense = layerOf(RAINBOW, 'AtariQNetwork', 'Dense_1');
      assert.equal(dense.init.weight!.name, 'variance_scaling');
      assert.equal(dense.init.weight!.args.scale, 1);
      assert.equal(layerOf(RAINBOW, 'AtariQNetwork', 'Dense_0').init.weight!.args.scale, 2);
    });

    it('the ReLU stack under scale 1/√3 is warned on: ×0.289 per layer (He wants 2/fan_in)', () => {
      const findings = analyzeFile(RAINBOW, 'real.py').advice.findings.filter((f) => f.rule === 'init-relu' && f.layer === 'Conv_1');
      assert.equal(findings.length, 1);
      assert.match(findings[0]!.message, /×0\.289 per layer/);
    });

    it('sqrt of an array is no number: the activation after it is unknown, not folded', () => {
      const text = `
from flax import linen as nn
import jax.numpy as jnp

class Scaled(nn.Module):
  @nn.compact
  def __call__(self, x):
    x = nn.Dense(64)(x)
    x = jnp.sqrt(x)
    return nn.Dense(1)(x)
`;
      assert.equal(layerOf(text, 'Scaled', 'Dense_0').activation, 'unknown');
    });
  });

  describe('MLP-Mixer (big_vision): einops and swapped axes', () => {
    const MIXER = `
import einops
import flax.linen as nn
import jax.numpy as jnp


class FeedForward(nn.Module):
  hidden: int

  @nn.compact
  def __call__(self, x):
    y = nn.Dense(self.hidden)(x)
    y = nn.gelu(y)
    return nn.Dense(x.shape[-1])(y)


class MixerLayer(nn.Module):
  token_dim: int
  channel_dim: int

  @nn.compact
  def __call__(self, x):
    y = nn.LayerNorm()(x)
    y = jnp.swapaxes(y, 1, 2)
    y = FeedForward(self.token_dim, name='tokens')(y)
    y = jnp.swapaxes(y, 1, 2)
    x = x + y
    y = nn.LayerNorm()(x)
    y = FeedForward(self.channel_dim, name='channels')(y)
    return x + y


class Mixer(nn.Module):
  width: int = 256
  depth: int = 2

  @nn.compact
  def __call__(self, images):
    x = nn.Conv(self.width, (16, 16), strides=(16, 16), name='stem')(images)
    x = einops.rearrange(x, 'b h w c -> b (h w) c')
    for _ in range(self.depth):
      x = MixerLayer(128, 1024)(x)
    x = nn.LayerNorm()(x)
    return nn.Dense(10, kernel_init=nn.initializers.zeros)(jnp.mean(x, axis=1))
`;

    it('einops.rearrange passes values through: the stem is followed by LayerNorm, not an unknown call', () => {
      const stem = layerOf(MIXER, 'Mixer', 'stem');
      assert.notEqual(stem.activation, 'unknown');
      assert.equal(stem.normalized, true);
    });

    it("'b h w c -> b (h w) c' keeps the channel axis: channel mixing reads 256 features", () => {
      assert.equal(layerOf(MIXER, 'Mixer', 'MixerLayer_0.channels.Dense_0').fanIn, 256);
      assert.equal(layerOf(MIXER, 'Mixer', 'MixerLayer_1.channels.Dense_1').fanOut, 256);
    });

    it('a residual sum keeps the stream’s width, not that of a branch swapped there and back', () => {
      const dense = layerOf(MIXER, 'MixerLayer', 'channels.Dense_0');
      assert.equal(dense.fanIn, 'x.shape[-1]');
    });
  });
});
