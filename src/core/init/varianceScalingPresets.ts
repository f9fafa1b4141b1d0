/**
 * The named presets of variance scaling, identical in Keras and JAX: Glorot = (1, fan_avg),
 * LeCun = (1, fan_in), He = (2, fan_in); `*_normal` use the truncated normal, `*_uniform` the
 * uniform (keras/src/initializers/random_initializers.py; jax/_src/nn/initializers.py). Only the
 * table is shared: what `fan_*` and `truncated_normal` then mean is each framework's own code.
 */

/** The (scale, mode, distribution) a preset stands for. */
export interface VarianceScalingParameters {
  scale: number;
  mode: string;
  distribution: string;
}

/** Each preset's (scale, mode, distribution), by its Keras/JAX name. */
export const VARIANCE_SCALING_PRESETS: Readonly<Record<string, VarianceScalingParameters>> = {
  glorot_uniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  glorot_normal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  lecun_uniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
  lecun_normal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
  he_uniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  he_normal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
};
