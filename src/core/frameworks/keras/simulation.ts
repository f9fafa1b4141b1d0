/**
 * A Keras model in the vocabulary of the simulator (src/core/simulate/fromGraph.ts reads PyTorch
 * layer types, PyTorch constructor arguments and `torch.nn.init`-style init calls). Only what maps
 * exactly is translated: Dense → Linear, Conv1D/Conv2D → Conv1d/Conv2d, Embedding, norms, Dropout;
 * Keras initializers → the simulator's calls with the same distribution (VarianceScaling with Keras'
 * std-corrected truncated normal, RandomNormal/RandomUniform/TruncatedNormal with Keras' defaults).
 * Any other layer keeps its Keras type, so the simulator leaves it out with a note.
 * Handed to networkFromModel (simulate/fromGraph.ts) as the Keras dialect by the framework registry.
 */
import type { Recommendation } from '../../advice/types';
import type { ArgValue, InitInForce, Layer } from '../../graph';
import type { SimulationDialect } from '../../simulate/dialect';
import type { InitCall } from '../../simulate/network';
import { kerasInitializerFor } from './fixes';
import { varianceScalingOf } from './initializers';

const unknown = (): InitCall => ({ name: 'unknown', args: {} });

/** The simulator's init call for a Keras initializer, or `unknown`. */
function initCall(init: Pick<InitInForce, 'name' | 'args'>): InitCall {
  const scaling = varianceScalingOf(init);
  if (scaling) {
    return { name: 'variance_scaling', args: { ...scaling } };
  }
  const number = (key: string, fallback: number): number | undefined => {
    const value = init.args[key];
    return value === undefined ? fallback : typeof value === 'number' ? value : undefined;
  };
  const [mean, std, a, b] = [number('mean', 0), number('stddev', 0.05), number('minval', -0.05), number('maxval', 0.05)];
  switch (init.name) {
    case 'random_normal':
      return mean === undefined || std === undefined ? unknown() : { name: 'normal', args: { mean, std } };
    case 'random_uniform':
      return a === undefined || b === undefined ? unknown() : { name: 'uniform', args: { a, b } };
    case 'truncated_normal':
      // Keras cuts at mean ± 2·stddev without correction: torch's trunc_normal_ with those absolute bounds.
      return mean === undefined || std === undefined ? unknown() : { name: 'trunc_normal', args: { mean, std, a: mean - 2 * std, b: mean + 2 * std } };
    case 'orthogonal':
      return { name: 'orthogonal', args: 'gain' in init.args ? { gain: init.args.gain! } : {} };
    case 'zeros':
    case 'ones':
      return { name: init.name, args: {} };
    case 'constant':
      return { name: 'constant', args: { val: init.args.value ?? 0 } };
    default:
      return unknown();
  }
}

function translateInits(layer: Layer): Layer['init'] {
  return Object.fromEntries(Object.entries(layer.init).map(([key, init]) => [key, init ? { ...init, ...initCall(init) } : null]));
}

/** A kernel size as `rank` ints: an int repeats (Keras' `conv_utils.standardize_tuple`), a tuple arrives as expression text. */
function windowOf(value: ArgValue | undefined, rank: number): number[] | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Array.from({ length: rank }, () => value);
  }
  if (value !== null && typeof value === 'object') {
    const items = /^\s*[([]\s*([\d\s,]*?)\s*,?\s*[)\]]\s*$/
      .exec(value.expr)?.[1]
      ?.split(',')
      .map((item) => Number(item.trim()));
    if (items?.length === rank && items.every((item) => Number.isInteger(item) && item > 0)) {
      return items;
    }
  }
  return undefined;
}

/** One Keras layer in the simulator's vocabulary (the same object when nothing maps). */
export function kerasLayerAsTorch(layer: Layer): Layer {
  const config = layer.config;
  switch (layer.type) {
    case 'Dense':
      return {
        ...layer,
        type: 'Linear',
        init: translateInits(layer),
        config: { in_features: layer.fanIn === null ? null : layer.fanIn, out_features: layer.fanOut === null ? null : layer.fanOut },
      };
    case 'Conv1D':
    case 'Conv2D': {
      const rank = layer.type === 'Conv1D' ? 1 : 2;
      const window = windowOf(config.kernel_size, rank);
      const groups = typeof config.groups === 'number' ? config.groups : 1;
      const size = window?.reduce((product, item) => product * item, 1);
      // Keras kernel (*k, in/groups, filters): in = fan_in·groups/∏k.
      const inChannels = typeof layer.fanIn === 'number' && size ? (layer.fanIn * groups) / size : null;
      if (window === undefined || inChannels === null) {
        return layer;
      }
      const padding = typeof config.padding === 'string' ? config.padding.toLowerCase() : 'valid';
      const dilation = config.dilation_rate;
      return {
        ...layer,
        type: rank === 1 ? 'Conv1d' : 'Conv2d',
        init: translateInits(layer),
        config: {
          in_channels: inChannels,
          out_channels: config.filters ?? null,
          kernel_size: rank === 1 ? window[0]! : { expr: `(${window.join(', ')})` },
          stride: config.strides === undefined ? 1 : config.strides,
          padding,
          groups,
          ...(dilation === undefined ? {} : { dilation }),
        },
      };
    }
    case 'Embedding':
      return { ...layer, init: translateInits(layer), config: { num_embeddings: config.input_dim ?? null, embedding_dim: config.output_dim ?? null } };
    case 'BatchNormalization':
    case 'LayerNormalization':
      // Keras' epsilon default is 1e-3 (batch_normalization.py, layer_normalization.py).
      return {
        ...layer,
        type: layer.type === 'LayerNormalization' ? 'LayerNorm' : 'BatchNorm1d',
        init: translateInits(layer),
        config: { eps: typeof config.epsilon === 'number' ? config.epsilon : 1e-3 },
      };
    case 'Dropout':
      return { ...layer, config: { p: config.rate ?? null } };
    default:
      return layer;
  }
}

/**
 * The Keras initializer the Keras fix writes for a recommendation (kerasInitializerFor, fixes.ts),
 * as the simulator's call: `he_normal` is Keras' std-corrected truncated normal, not torch's
 * kaiming_normal_; null when the fix has no spelling for it.
 */
export function kerasRecommendedCall(recommendation: Recommendation): InitCall | null {
  const spelled = kerasInitializerFor(recommendation);
  if (spelled === null) {
    return null;
  }
  const init = 'alias' in spelled ? { name: spelled.alias, args: {} } : { name: 'variance_scaling', args: { ...spelled } };
  const call = initCall(init);
  return call.name === 'unknown' ? null : call;
}

/**
 * Keras' own init of a layer's parameter, for inits the simulator cannot read: Dense/Conv kernel
 * glorot_uniform, bias zeros, Embedding RandomUniform(±0.05), norms γ ones β zeros (keras layers).
 */
export function kerasDefaultCall(module: 'affine' | 'embedding' | 'norm', parameter: 'weight' | 'bias'): InitCall {
  if (module === 'norm') {
    return { name: parameter === 'weight' ? 'ones' : 'zeros', args: {} };
  }
  if (parameter === 'bias') {
    return { name: 'zeros', args: {} };
  }
  return module === 'embedding'
    ? { name: 'uniform', args: { a: -0.05, b: 0.05 } }
    : { name: 'variance_scaling', args: { scale: 1, mode: 'fan_avg', distribution: 'uniform' } };
}

/** The Keras simulation dialect: Keras layers and initializers in the simulator's vocabulary. */
export const kerasSimulationDialect: SimulationDialect = {
  framework: 'keras',
  label: 'Keras',
  layer: kerasLayerAsTorch,
  recommended: kerasRecommendedCall,
  fallback: kerasDefaultCall,
  infersInputSize: true,
};
