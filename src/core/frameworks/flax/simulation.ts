/**
 * Flax layers in the vocabulary of the simulator (src/core/simulate/fromGraph.ts reads torch layer
 * types, torch constructor argument names and init calls whose distributions follow
 * simulate/distributions.ts). Only what maps exactly is translated: Dense/Linear → Linear,
 * Conv (1-D, 2-D) → Conv1d/Conv2d, Embed → Embedding, LayerNorm, BatchNorm, Dropout; any other
 * layer keeps its Flax type, so the simulator leaves it out with a note.
 *
 * Initializers keep JAX's semantics (jax/_src/nn/initializers.py):
 * - presets and `variance_scaling` with the default axes → the simulator's `variance_scaling`:
 *   JAX's default fans of a Dense (in, out) or Conv (*k, in/g, out) kernel equal torch's fans of
 *   the same layer, `truncated_normal` is std-corrected and `normal` is UNtruncated, as there;
 * - other axes (Embed's default `out_axis=0`) or `fan_geo_avg`: the exact distribution on the
 *   kernel's numeric shape in Flax's layout (jaxDistribution), spelled as a fan-free call;
 * - `normal(stddev)` N(0, stddev²), `uniform(scale)` U[0, scale), `truncated_normal(stddev, lower,
 *   upper)` cut at lower·stddev, upper·stddev without correction, `orthogonal(scale)`.
 */
import type { Recommendation } from '../../advice/types';
import type { ArgValue, Dim, InitInForce, Layer } from '../../graph';
import type { SimulationDialect } from '../../simulate/dialect';
import type { Distribution, InitCall } from '../../simulate/network';
import { jaxDistribution } from './distributions';
import { jaxInitializerFor } from './fixes';
import { canonicalInitializer, numericShape } from './initializers';
import { VARIANCE_SCALING_PRESETS as PRESETS } from '../../init/varianceScalingPresets';

/** Unknown to the simulator: it falls back to the framework default with a note. */
const UNKNOWN: InitCall = { name: 'unknown', args: {} };

/** Modes and distributions the simulator's variance_scaling reads with JAX's meaning. */
const SIMULATED_MODES = new Set(['fan_in', 'fan_out', 'fan_avg']);
const SIMULATED_DISTRIBUTIONS = new Set(['truncated_normal', 'normal', 'uniform']);

/** A distribution as an init call that does not need the fans (resolve.ts keeps it as it is). */
function fanFreeCall(distribution: Distribution): InitCall {
  switch (distribution.kind) {
    case 'normal':
      return { name: 'normal', args: { mean: distribution.mean, std: distribution.std } };
    case 'uniform':
      return { name: 'uniform', args: { a: distribution.low, b: distribution.high } };
    case 'truncated_normal':
      return { name: 'trunc_normal', args: { mean: distribution.mean, std: distribution.std, a: distribution.low, b: distribution.high } };
    case 'orthogonal':
      return { name: 'orthogonal', args: { gain: distribution.gain } };
    case 'constant':
      return { name: 'constant', args: { val: distribution.value } };
  }
}

/** The simulator's init call for a JAX initializer on a kernel of `kernel` shape (Flax layout). */
export function flaxInitCall(written: string, args: Record<string, ArgValue>, kernel?: (Dim | null)[]): InitCall {
  const name = canonicalInitializer(written);
  if (/^(zeros|ones)(_init)?$/.test(name)) {
    return { name: name.replace('_init', ''), args: {} };
  }
  // variance_scaling(scale, mode, distribution) has no defaults in JAX: a missing one stays unknown.
  const { scale, mode, distribution } = name === 'variance_scaling' ? args : (PRESETS[name] ?? {});
  const defaultAxes = args.in_axis === undefined && args.out_axis === undefined && args.batch_axis === undefined;
  if (defaultAxes && typeof scale === 'number' && scale > 0 && SIMULATED_MODES.has(String(mode)) && SIMULATED_DISTRIBUTIONS.has(String(distribution))) {
    return { name: 'variance_scaling', args: { scale, mode: String(mode), distribution: String(distribution) } };
  }
  // Other axes, fan_geo_avg and the fan-free initializers: the exact distribution on the numeric kernel.
  const exact = jaxDistribution(written, args, numericShape(kernel));
  return exact === null ? UNKNOWN : fanFreeCall(exact);
}

function translateInits(layer: Layer, kernel?: (Dim | null)[]): Layer['init'] {
  const translate = (init: InitInForce | null, key: string): InitInForce | null => {
    if (init === null) {
      return null;
    }
    if (init.name === 'unknown') {
      return init;
    }
    return { ...init, ...flaxInitCall(init.name, init.args, key === 'weight' ? kernel : undefined) };
  };
  return Object.fromEntries(Object.entries(layer.init).map(([key, init]) => [key, translate(init ?? null, key)]));
}

/** The kernel window of a conv (`(3, 3)` arrives as expression text; an int is a 1-D window). */
function windowOf(value: ArgValue | undefined): number[] | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return [value];
  }
  if (value !== null && typeof value === 'object') {
    const items = /^\s*[([]\s*([\d\s,]*?)\s*,?\s*[)\]]\s*$/
      .exec(value.expr)?.[1]
      ?.split(',')
      .map((item) => Number(item.trim()));
    if (items && items.length > 0 && items.every((item) => Number.isInteger(item) && item > 0)) {
      return items;
    }
  }
  return undefined;
}

/**
 * The conv's input channels: nnx writes them; linen infers them, so they come from the kernel's
 * fan_in = ∏k·in/groups (a symbol `9*x.shape[-1]` gives `x.shape[-1]`).
 */
function inChannels(layer: Layer, window: number[], groups: number): Dim | null {
  const written = layer.config.in_features;
  if (typeof written === 'number' || typeof written === 'string') {
    return written;
  }
  const receptive = window.reduce((product, size) => product * size, 1);
  const fanIn = layer.fanIn;
  if (typeof fanIn === 'number') {
    return (fanIn * groups) / receptive;
  }
  if (typeof fanIn !== 'string' || groups !== 1) {
    return null;
  }
  if (receptive === 1) {
    return fanIn;
  }
  const prefix = `${receptive}*`;
  return fanIn.startsWith(prefix) ? fanIn.slice(prefix.length) : null;
}

/** Flax's padding spelled as the simulator reads it: 'SAME'/'VALID' (lax.conv) or ints; undefined otherwise. */
function paddingOf(value: ArgValue | undefined): ArgValue | undefined {
  // flax Conv: padding='SAME' by default (linen/linear.py, nnx/nn/linear.py).
  if (value === undefined) {
    return 'same';
  }
  if (typeof value === 'string') {
    return ['SAME', 'VALID'].includes(value.toUpperCase()) ? value.toLowerCase() : undefined;
  }
  return value;
}

function conv(layer: Layer): Layer {
  const config = layer.config;
  const window = windowOf(config.kernel_size);
  const groups = config.feature_group_count === undefined ? 1 : config.feature_group_count;
  const padding = paddingOf(config.padding);
  if (window === undefined || (window.length !== 1 && window.length !== 2) || typeof groups !== 'number' || padding === undefined) {
    return layer;
  }
  const channels = inChannels(layer, window, groups);
  const out = config.out_features ?? config.features;
  if (channels === null || out === undefined) {
    return layer;
  }
  const dilation = config.kernel_dilation;
  const kernel: (Dim | null)[] = [...window, typeof channels === 'number' ? channels / groups : null, typeof out === 'number' ? out : null];
  return {
    ...layer,
    type: window.length === 1 ? 'Conv1d' : 'Conv2d',
    init: translateInits(layer, kernel),
    config: {
      in_channels: channels,
      out_channels: out,
      kernel_size: window.length === 1 ? window[0]! : { expr: `(${window.join(', ')})` },
      stride: config.strides ?? 1,
      padding,
      groups,
      ...(dilation === undefined ? {} : { dilation }),
    },
  };
}

/** One Flax layer in the simulator's vocabulary (the same object when nothing maps). */
export function flaxLayerAsTorch(layer: Layer): Layer {
  const config = layer.config;
  switch (layer.type) {
    case 'Dense':
    case 'Linear': {
      // Kernel (in, features); linen infers `in` at the first call (a symbol here).
      const out = config.out_features ?? config.features ?? layer.fanOut;
      return {
        ...layer,
        type: 'Linear',
        init: translateInits(layer, [layer.fanIn, typeof out === 'number' ? out : null]),
        config: { in_features: layer.fanIn, out_features: out },
      };
    }
    case 'Conv':
      return conv(layer);
    case 'Embed': {
      // Embedding table (num_embeddings, features).
      const count = config.num_embeddings ?? layer.fanIn;
      const width = config.features ?? layer.fanOut;
      const table = [typeof count === 'number' ? count : null, typeof width === 'number' ? width : null];
      return { ...layer, type: 'Embedding', init: translateInits(layer, table), config: { num_embeddings: count, embedding_dim: width } };
    }
    case 'LayerNorm':
    case 'BatchNorm': {
      // epsilon: LayerNorm 1e-6, BatchNorm 1e-5 (flax normalization.py, linen and nnx).
      const eps = typeof config.epsilon === 'number' ? config.epsilon : layer.type === 'LayerNorm' ? 1e-6 : 1e-5;
      const translated: Record<string, ArgValue> = { eps };
      // nnx writes the feature count; linen infers it.
      if (config.num_features !== undefined) {
        translated[layer.type === 'LayerNorm' ? 'normalized_shape' : 'num_features'] = config.num_features;
      }
      return { ...layer, type: layer.type === 'LayerNorm' ? 'LayerNorm' : 'BatchNorm1d', init: translateInits(layer), config: translated };
    }
    case 'Dropout':
      // deterministic=True (evaluation) passes the input through unchanged (flax stochastic.py).
      return { ...layer, config: { p: config.deterministic === true ? 0 : (config.rate ?? null) } };
    default:
      return layer;
  }
}

/** The JAX initializer the Flax fix writes for a recommendation, as the simulator's call; null when the fix has no spelling for it. */
export function flaxRecommendedCall(recommendation: Recommendation): InitCall | null {
  const initializer = jaxInitializerFor(recommendation);
  if (!initializer) {
    return null;
  }
  const { name, ...args } = initializer;
  return flaxInitCall(name, args);
}

/** Flax's own init of a layer's parameter (flax linear.py, normalization.py), for unknown inits. */
export function flaxDefaultCall(module: 'affine' | 'embedding' | 'norm', parameter: 'weight' | 'bias'): InitCall {
  if (module === 'norm') {
    return { name: parameter === 'weight' ? 'ones' : 'zeros', args: {} };
  }
  if (parameter === 'bias') {
    return { name: 'zeros', args: {} };
  }
  // Embed: variance_scaling(1, 'fan_in', 'normal', out_axis=0) on (num, features) = N(0, 1/features):
  // the simulator's embedding fans are (features, num), so fan_in mode reads the same fan.
  return module === 'embedding' ? { name: 'variance_scaling', args: { scale: 1, mode: 'fan_in', distribution: 'normal' } } : flaxInitCall('lecun_normal', {});
}

/** The Flax simulation dialect: Flax layers and JAX initializers in the simulator's vocabulary. */
export const flaxSimulationDialect: SimulationDialect = {
  framework: 'flax',
  label: 'Flax',
  layer: flaxLayerAsTorch,
  recommended: flaxRecommendedCall,
  fallback: flaxDefaultCall,
  infersInputSize: true,
};
