/**
 * JAX activation functions as Flax code calls them (`nn.relu`, `jax.nn.gelu`, `nnx.silu`,
 * `jnp.tanh`), mapped to the names of src/core/activations.ts. Definitions: jax/_src/nn/functions.py
 * (flax.linen.activation and flax.nnx re-export them).
 */

/** JAX names that are the neutral names, and the JAX names that differ (jax.nn's `swish` is SiLU). */
const SAME = new Set('relu relu6 sigmoid tanh gelu silu elu celu selu leaky_relu softplus mish softmax log_softmax'.split(' '));
const RENAMED: Readonly<Record<string, string>> = {
  swish: 'silu',
  soft_sign: 'softsign',
  hard_tanh: 'hardtanh',
  hard_sigmoid: 'hardsigmoid',
  hard_silu: 'hardswish',
  hard_swish: 'hardswish',
  identity: 'linear',
};

/** Positional parameters after `x` (jax.nn signatures). */
const PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  gelu: ['approximate'],
  leaky_relu: ['negative_slope'],
  elu: ['alpha'],
  celu: ['alpha'],
};

/** The neutral name of a JAX activation, or undefined. */
export function jaxActivationName(name: string): string | undefined {
  return SAME.has(name) ? name : Object.prototype.hasOwnProperty.call(RENAMED, name) ? RENAMED[name] : undefined;
}

/** Keyword names of an activation's positional parameters after the input. */
export function activationParameters(name: string): readonly string[] {
  return PARAMETERS[name] ?? [];
}

/**
 * The neutral parameters from JAX arguments, or undefined when one does not resolve.
 * `jax.nn.gelu(x, approximate=True)`: the tanh form is JAX's DEFAULT (PyTorch's is exact erf).
 * `leaky_relu(x, negative_slope=1e-2)`, `elu(x, alpha=1.0)`, `celu(x, alpha=1.0)`.
 */
export function activationParams(
  name: string,
  args: Record<string, number | string | boolean | null | undefined>,
): Record<string, number | string> | undefined {
  const params: Record<string, number | string> = {};
  if (name === 'gelu') {
    const approximate = args.approximate ?? true;
    if (typeof approximate !== 'boolean') {
      return undefined;
    }
    params.approximate = approximate ? 'tanh' : 'none';
    return params;
  }
  for (const key of activationParameters(name)) {
    const value = args[key];
    if (value === undefined) {
      continue;
    }
    if (typeof value !== 'number') {
      return undefined;
    }
    params[key] = value;
  }
  return params;
}

/**
 * `jnp` functions that pass a tensor through without changing what follows for init purposes
 * (einops.rearrange / einops.repeat only move values between axes: einops docs).
 */
export const PASS_THROUGH = new Set([
  ...'reshape flatten ravel transpose swapaxes moveaxis squeeze expand_dims astype avg_pool max_pool pool min_pool mean max sum'.split(' '),
  ...'concatenate stack split asarray array pad roll repeat tile broadcast_to stop_gradient with_sharding_constraint take rearrange'.split(' '),
]);

/** Pass-through functions that keep the feature (last) axis: pooling and reductions over other axes. */
export const KEEPS_FEATURES = new Set('avg_pool max_pool min_pool pool astype stop_gradient pad roll with_sharding_constraint asarray array'.split(' '));
