/**
 * The distribution a JAX initializer samples from, for a kernel of known shape, in the simulator's
 * terms (simulate/network.ts). Source: jax/_src/nn/initializers.py. Offered for the simulator to
 * sample Flax models with their own init semantics.
 */
import type { ArgValue } from '../../graph';
import type { Distribution } from '../../simulate/network';
import { canonicalInitializer, computeFans, jaxInitVariance, numberArg } from './initializers';

/** The std of N(0, 1) truncated to (−2, 2), by which variance_scaling divides (initializers.py). */
const TRUNCATED_STD = 0.87962566103423978;

const PRESET_DISTRIBUTION: Readonly<Record<string, string>> = {
  glorot_uniform: 'uniform',
  lecun_uniform: 'uniform',
  he_uniform: 'uniform',
  glorot_normal: 'truncated_normal',
  lecun_normal: 'truncated_normal',
  he_normal: 'truncated_normal',
};

/** The sampling distribution of `name(args)` for a kernel of `shape`, or null when it does not resolve. */
export function jaxDistribution(written: string, args: Record<string, ArgValue>, shape: number[] | undefined): Distribution | null {
  const name = canonicalInitializer(written);
  switch (name) {
    case 'zeros':
      return { kind: 'constant', value: 0 };
    case 'ones':
      return { kind: 'constant', value: 1 };
    case 'constant': {
      const value = numberArg(args, 'value', Number.NaN);
      return value === undefined || Number.isNaN(value) ? null : { kind: 'constant', value };
    }
    case 'normal': {
      const std = numberArg(args, 'stddev', 1e-2);
      return std === undefined ? null : { kind: 'normal', mean: 0, std };
    }
    case 'uniform': {
      // U[0, scale): random.uniform(key, shape) * scale.
      const scale = numberArg(args, 'scale', 1e-2);
      return scale === undefined ? null : { kind: 'uniform', low: 0, high: scale };
    }
    case 'truncated_normal': {
      // random.truncated_normal(key, lower, upper) * stddev: bounds in units of stddev, no correction.
      const std = numberArg(args, 'stddev', 1e-2);
      const lower = numberArg(args, 'lower', -2);
      const upper = numberArg(args, 'upper', 2);
      return std === undefined || lower === undefined || upper === undefined
        ? null
        : { kind: 'truncated_normal', mean: 0, std, low: lower * std, high: upper * std };
    }
    case 'orthogonal': {
      const scale = numberArg(args, 'scale', 1);
      return scale === undefined ? null : { kind: 'orthogonal', gain: scale };
    }
    default: {
      const distribution = name === 'variance_scaling' ? args.distribution : PRESET_DISTRIBUTION[name];
      const variance = jaxInitVariance(name, args, shape);
      if (variance === null || typeof distribution !== 'string' || !shape || !computeFans(shape)) {
        return null;
      }
      if (distribution === 'normal') {
        return { kind: 'normal', mean: 0, std: Math.sqrt(variance) };
      }
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        return { kind: 'uniform', low: -limit, high: limit };
      }
      const std = Math.sqrt(variance) / TRUNCATED_STD;
      return { kind: 'truncated_normal', mean: 0, std, low: -2 * std, high: 2 * std };
    }
  }
}
