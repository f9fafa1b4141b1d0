/**
 * Keras activations as the graph names them (lowercase names of src/core/activations.ts). Strings
 * resolve as `keras.activations.get` does (keras/src/activations/__init__.py, case-sensitive);
 * callables from `keras.activations`, `keras.ops` and `tf.nn` / `tf.math` with their own defaults.
 */

import type { Activation, Range } from '../../graph';

/** An activation before it gets a source range: null means linear (no activation). */
export type ActivationInfo = { name: string; params: Record<string, number | string> } | null | 'unknown';

/**
 * `keras.activations.<name>` and the strings `activation=` accepts (Keras 3 ALL_OBJECTS, aliases
 * `swish` → silu and `hard_swish` → hard_silu). Defaults that differ from PyTorch are written out:
 * leaky_relu's negative_slope is 0.2 (activations.py), not 0.01.
 * `hard_sigmoid` is `unknown`: Keras 3 computes relu6(x + 3)/6, tf.keras 2 clip(0.2·x + 0.5), and the
 * file does not say which one runs.
 */
const KERAS_ACTIVATIONS: Readonly<Record<string, ActivationInfo>> = {
  relu: { name: 'relu', params: {} },
  relu6: { name: 'relu6', params: {} },
  leaky_relu: { name: 'leaky_relu', params: { negative_slope: 0.2 } },
  elu: { name: 'elu', params: {} },
  celu: { name: 'celu', params: {} },
  selu: { name: 'selu', params: {} },
  gelu: { name: 'gelu', params: {} },
  silu: { name: 'silu', params: {} },
  swish: { name: 'silu', params: {} },
  mish: { name: 'mish', params: {} },
  tanh: { name: 'tanh', params: {} },
  sigmoid: { name: 'sigmoid', params: {} },
  softplus: { name: 'softplus', params: {} },
  softsign: { name: 'softsign', params: {} },
  hard_silu: { name: 'hardswish', params: {} },
  hard_swish: { name: 'hardswish', params: {} },
  hard_tanh: { name: 'hardtanh', params: {} },
  softmax: { name: 'softmax', params: {} },
  log_softmax: { name: 'log_softmax', params: {} },
  linear: null,
};

/** The activation a string `activation=` argument names; `unknown` for a name Keras has that we cannot evaluate or a name it lacks. */
export function activationFromString(name: string): ActivationInfo {
  return Object.prototype.hasOwnProperty.call(KERAS_ACTIVATIONS, name) ? KERAS_ACTIVATIONS[name]! : 'unknown';
}

/** The keyword that sets a callable's parameter, and the graph's parameter name. */
interface CallableSpec {
  base: ActivationInfo;
  /** keyword (and its positional index after x) → graph param and how to convert. */
  keywords?: Record<string, { index: number; param: string; convert?: (value: number | string | boolean) => number | string | undefined }>;
  /** Keywords that leave the function what it is (softmax's `axis`, TensorFlow's op `name`). */
  ignored?: string[];
}

const APPROXIMATE = (value: number | string | boolean) => (typeof value === 'boolean' ? (value ? 'tanh' : 'none') : undefined);

/**
 * A callable activation by dotted path after the namespace root (`activations.relu`, `ops.gelu`,
 * `nn.leaky_relu`, `math.tanh`, `tanh` for `tf.tanh`). Defaults from each function's signature:
 * `keras.activations.gelu(x, approximate=False)`, `keras.ops.gelu(x, approximate=True)`,
 * `keras.ops.leaky_relu(x, negative_slope=0.2)`, `tf.nn.gelu(features, approximate=False)`,
 * `tf.nn.leaky_relu(features, alpha=0.2)`.
 */
export function callableActivation(root: 'keras' | 'tensorflow', path: string): CallableSpec | undefined {
  const parts = path.split('.');
  const name = parts[parts.length - 1]!;
  const module = parts.slice(0, -1).join('.');
  if (root === 'keras' && (module === 'activations' || module === 'ops' || module === 'ops.nn')) {
    if (!Object.prototype.hasOwnProperty.call(KERAS_ACTIVATIONS, name) || name === 'linear') {
      return name === 'linear' && module === 'activations' ? { base: null } : undefined;
    }
    const base = KERAS_ACTIVATIONS[name]!;
    if (name === 'gelu') {
      const spec: ActivationInfo = module === 'activations' ? { name: 'gelu', params: {} } : { name: 'gelu', params: { approximate: 'tanh' } };
      return { base: spec, keywords: { approximate: { index: 1, param: 'approximate', convert: APPROXIMATE } } };
    }
    if (name === 'leaky_relu') {
      return { base, keywords: { negative_slope: { index: 1, param: 'negative_slope' } } };
    }
    if (name === 'softmax' || name === 'log_softmax') {
      // keras.activations.softmax(x, axis=-1): the axis normalised over, still a softmax.
      return { base, ignored: ['axis'] };
    }
    if (name === 'relu' && module === 'activations') {
      // activations.relu(x, negative_slope=0.0, max_value=None, threshold=0.0): only the plain form resolves.
      return { base };
    }
    return { base };
  }
  if (root === 'tensorflow' && (module === 'nn' || module === 'math' || module === '')) {
    const table: Record<string, CallableSpec> = {
      relu: { base: { name: 'relu', params: {} } },
      relu6: { base: { name: 'relu6', params: {} } },
      elu: { base: { name: 'elu', params: {} } },
      selu: { base: { name: 'selu', params: {} } },
      silu: { base: { name: 'silu', params: {} } },
      swish: { base: { name: 'silu', params: {} } },
      tanh: { base: { name: 'tanh', params: {} } },
      sigmoid: { base: { name: 'sigmoid', params: {} } },
      softplus: { base: { name: 'softplus', params: {} } },
      softsign: { base: { name: 'softsign', params: {} } },
      // tf.nn.softmax(logits, axis=None, name=None): the axis normalised over, still a softmax.
      softmax: { base: { name: 'softmax', params: {} }, ignored: ['axis', 'name'] },
      log_softmax: { base: { name: 'log_softmax', params: {} }, ignored: ['axis', 'name'] },
      gelu: { base: { name: 'gelu', params: {} }, keywords: { approximate: { index: 1, param: 'approximate', convert: APPROXIMATE } } },
      leaky_relu: { base: { name: 'leaky_relu', params: { negative_slope: 0.2 } }, keywords: { alpha: { index: 1, param: 'negative_slope' } } },
    };
    const spec = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
    // tf.tanh / tf.sigmoid / tf.math.* but not tf.relu (no such function).
    if (spec && (module === 'nn' || ['tanh', 'sigmoid', 'softplus'].includes(name))) {
      return spec;
    }
  }
  return undefined;
}

/** The activation with the range where it is applied (linear and unknown stay as they are). */
export function withRange(info: ActivationInfo, range: Range): Activation | null | 'unknown' {
  return info === null || info === 'unknown' ? info : { name: info.name, params: { ...info.params }, range };
}
