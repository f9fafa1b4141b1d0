/**
 * Keras activations as the graph names them (lowercase names of src/core/activations.ts). Strings
 * resolve as `keras.activations.get` does (keras/src/activations/__init__.py, case-sensitive);
 * callables from `keras.activations`, `keras.ops` and `tf.nn` / `tf.math` with their own defaults.
 */

import type { Activation, Range } from '../../graph';

/** An activation before it gets a source range: null means linear (no activation). */
export type ActivationInfo = { name: string; params: Record<string, number | string> } | null | 'unknown';

function plain(name: string): ActivationInfo {
  return { name, params: {} };
}

/**
 * `keras.activations.<name>` and the strings `activation=` accepts (Keras 3 ALL_OBJECTS, aliases
 * `swish` → silu and `hard_swish` → hard_silu). Defaults that differ from PyTorch are written out:
 * leaky_relu's negative_slope is 0.2 (activations.py), not 0.01.
 * `hard_sigmoid` is `unknown`: Keras 3 computes relu6(x + 3)/6, tf.keras 2 clip(0.2·x + 0.5), and the
 * file does not say which one runs.
 */
const KERAS_ACTIVATIONS: Readonly<Record<string, ActivationInfo>> = {
  ...Object.fromEntries(
    'relu relu6 elu celu selu gelu silu mish tanh sigmoid softplus softsign softmax log_softmax'.split(' ').map((name) => [name, plain(name)]),
  ),
  swish: plain('silu'),
  hard_silu: plain('hardswish'),
  hard_swish: plain('hardswish'),
  hard_tanh: plain('hardtanh'),
  leaky_relu: { name: 'leaky_relu', params: { negative_slope: 0.2 } },
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
const GELU_KEYWORDS: CallableSpec['keywords'] = { approximate: { index: 1, param: 'approximate', convert: APPROXIMATE } };

/** `tf.nn.<name>` (and `tf.math`, `tf.<name>` for tanh, sigmoid and softplus): Keras' functions but for gelu's and leaky_relu's keywords. */
const TENSORFLOW_ACTIVATIONS: Readonly<Record<string, CallableSpec>> = {
  ...Object.fromEntries('relu relu6 elu selu silu swish tanh sigmoid softplus softsign'.split(' ').map((name) => [name, { base: KERAS_ACTIVATIONS[name]! }])),
  // tf.nn.softmax(logits, axis=None, name=None): the axis normalised over, still a softmax.
  softmax: { base: plain('softmax'), ignored: ['axis', 'name'] },
  log_softmax: { base: plain('log_softmax'), ignored: ['axis', 'name'] },
  gelu: { base: plain('gelu'), keywords: GELU_KEYWORDS },
  leaky_relu: { base: { name: 'leaky_relu', params: { negative_slope: 0.2 } }, keywords: { alpha: { index: 1, param: 'negative_slope' } } },
};

/**
 * A callable activation by dotted path after the namespace root (`activations.relu`, `ops.gelu`,
 * `nn.leaky_relu`, `math.tanh`, `tanh` for `tf.tanh`). Defaults from each function's signature:
 * `keras.activations.gelu(x, approximate=False)`, `keras.ops.gelu(x, approximate=True)`,
 * `keras.ops.leaky_relu(x, negative_slope=0.2)`, `tf.nn.gelu(features, approximate=False)`,
 * `tf.nn.leaky_relu(features, alpha=0.2)`; `keras.activations.relu(x, negative_slope=0.0,
 * max_value=None, threshold=0.0)` resolves only in its plain form.
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
      return { base: module === 'activations' ? plain('gelu') : { name: 'gelu', params: { approximate: 'tanh' } }, keywords: GELU_KEYWORDS };
    }
    if (name === 'leaky_relu') {
      return { base, keywords: { negative_slope: { index: 1, param: 'negative_slope' } } };
    }
    // keras.activations.softmax(x, axis=-1): the axis normalised over, still a softmax.
    return name === 'softmax' || name === 'log_softmax' ? { base, ignored: ['axis'] } : { base };
  }
  const spec = root === 'tensorflow' && (module === 'nn' || module === 'math' || module === '') ? TENSORFLOW_ACTIVATIONS[name] : undefined;
  // tf.tanh / tf.sigmoid / tf.math.* but not tf.relu (no such function).
  return spec && Object.prototype.hasOwnProperty.call(TENSORFLOW_ACTIVATIONS, name) && (module === 'nn' || ['tanh', 'sigmoid', 'softplus'].includes(name))
    ? spec
    : undefined;
}

/** The activation with the range where it is applied (linear and unknown stay as they are). */
export function withRange(info: ActivationInfo, range: Range): Activation | null | 'unknown' {
  return info === null || info === 'unknown' ? info : { name: info.name, params: { ...info.params }, range };
}
