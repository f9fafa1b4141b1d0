/**
 * JAX initializer semantics (jax/_src/nn/initializers.py): fans of kernels in Flax's layouts,
 * each initializer's variance, and the sampling distribution, checked against closed forms and by
 * sampling.
 */
import * as assert from 'node:assert/strict';
import { jaxDistribution } from '../../../src/core/frameworks/flax/distributions';
import { computeFans, jaxInitVariance } from '../../../src/core/frameworks/flax/initializers';
import { distributionVariance } from '../../../src/core/simulate/distributions';

const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

describe('JAX initializers', () => {
  it('_compute_fans: Dense (in, out), Conv (*k, in, out), Embed with out_axis=0', () => {
    assert.deepEqual(computeFans([300, 100]), { fanIn: 300, fanOut: 100 });
    assert.deepEqual(computeFans([3, 3, 16, 32]), { fanIn: 144, fanOut: 288 });
    // default_embed_init on (num_embeddings=1000, features=64): in_axis=-2 and out_axis=0 are both axis 0.
    assert.deepEqual(computeFans([1000, 64], undefined, 0), { fanIn: 64, fanOut: 64 });
    assert.equal(computeFans([5]), undefined, 'rank 1 raises in JAX');
  });

  it('presets use the Keras scales: lecun 1/fan_in, he 2/fan_in, glorot 2/(fan_in + fan_out)', () => {
    const shape = [3, 3, 16, 32];
    assert.ok(close(jaxInitVariance('lecun_normal', {}, shape)!, 1 / 144));
    assert.ok(close(jaxInitVariance('lecun_uniform', {}, shape)!, 1 / 144));
    assert.ok(close(jaxInitVariance('he_normal', {}, shape)!, 2 / 144));
    assert.ok(close(jaxInitVariance('glorot_uniform', {}, shape)!, 2 / (144 + 288)));
    assert.ok(close(jaxInitVariance('variance_scaling', { scale: 1, mode: 'fan_geo_avg', distribution: 'normal' }, shape)!, 1 / Math.sqrt(144 * 288)));
  });

  it('variance_scaling with in_axis/out_axis tuples (DenseGeneral-style kernels)', () => {
    const shape = [512, 8, 64];
    const variance = jaxInitVariance(
      'variance_scaling',
      { scale: 1, mode: 'fan_in', distribution: 'truncated_normal', in_axis: 0, out_axis: { expr: '(1, 2)' } },
      shape,
    )!;
    assert.ok(close(variance, 1 / 512));
  });

  it('rejects what JAX rejects: unknown mode or distribution, missing scale', () => {
    assert.equal(jaxInitVariance('variance_scaling', { scale: 1, mode: 'fan_sum', distribution: 'normal' }, [4, 4]), null);
    assert.equal(jaxInitVariance('variance_scaling', { scale: 1, mode: 'fan_in', distribution: 'cauchy' }, [4, 4]), null);
    assert.equal(jaxInitVariance('variance_scaling', { mode: 'fan_in', distribution: 'normal' }, [4, 4]), null);
    assert.equal(jaxInitVariance('he_normal', {}, undefined), null, 'no shape, no variance');
  });

  it('plain normal / uniform / truncated_normal / orthogonal / constants', () => {
    assert.ok(close(jaxInitVariance('normal', {}, undefined)!, 1e-4), 'normal(stddev=1e-2)');
    assert.ok(close(jaxInitVariance('uniform', { scale: 2 }, undefined)!, 4 / 12), 'U[0, 2)');
    assert.ok(close(jaxInitVariance('truncated_normal', { stddev: 1 }, undefined)!, 0.87962566103423978 ** 2, 1e-9), 'N(0,1) cut at ±2');
    assert.ok(close(jaxInitVariance('orthogonal', {}, [256, 64])!, 1 / 256));
    assert.equal(jaxInitVariance('zeros', {}, undefined), 0);
    assert.equal(jaxInitVariance('constant', { value: 3 }, undefined), 0);
  });

  it('the sampling distributions have the variance jaxInitVariance states', () => {
    const shape = [3, 3, 64, 128];
    for (const [name, args] of [
      ['lecun_normal', {}],
      ['he_uniform', {}],
      ['glorot_normal', {}],
      ['variance_scaling', { scale: 2, mode: 'fan_out', distribution: 'normal' }],
      ['normal', { stddev: 0.02 }],
      ['truncated_normal', { stddev: 0.02, lower: -3, upper: 1 }],
      ['uniform', { scale: 0.5 }],
    ] as const) {
      const distribution = jaxDistribution(name, args, shape)!;
      const variance = distributionVariance(distribution, shape);
      assert.ok(close(variance, jaxInitVariance(name, args, shape)!, 1e-6), `${name}: ${variance} vs ${jaxInitVariance(name, args, shape)}`);
    }
  });
});
