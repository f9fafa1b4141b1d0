/**
 * Keras' names: the spellings of the library (`keras`, `tf.keras`, `tensorflow.python.keras`,
 * `tf_keras`, `keras.src`, `keras.api`) folded into one, and what its modules export.
 */
import { layerNames, MERGE_FUNCTIONS } from './catalog';
import type { KerasName } from './values';

/** `tf.keras.X` is `keras.X`; `tensorflow.python.keras`, `tf_keras`, `keras.src` and `keras.api` too. */
export function kerasName(qualified: string): KerasName | undefined {
  const path = qualified
    .replace(/^tensorflow\.python\.keras\b/, 'tensorflow.keras')
    .replace(/^tf_keras\b/, 'keras')
    .replace(/^keras\.src\b/, 'keras')
    .replace(/^keras\.api\b/, 'keras');
  for (const [prefix, root] of [
    ['tensorflow.keras', 'keras'],
    ['keras', 'keras'],
    ['tensorflow', 'tensorflow'],
  ] as const) {
    if (path === prefix || path.startsWith(`${prefix}.`)) {
      return { kind: 'name', root, path: path.slice(prefix.length + 1) };
    }
  }
  return undefined;
}

/** `tf.keras.<path>` as `keras.<path>`. */
export function normalize(ns: KerasName): KerasName {
  if (ns.root === 'tensorflow' && (ns.path === 'keras' || ns.path.startsWith('keras.'))) {
    return { kind: 'name', root: 'keras', path: ns.path.slice('keras'.length + 1) };
  }
  return ns;
}

/** A dotted path's module and last name. */
export function splitPath(path: string): { module: string; last: string } {
  const parts = path.split('.');
  return { module: parts.slice(0, -1).join('.'), last: parts[parts.length - 1]! };
}

/** The modules that hold layers (`keras.layers`, `keras.src.layers.core`). */
export const LAYERS_MODULE = /(^|\.)layers(\.|$)/;

/** The names `from <module> import *` binds for a Keras module (what the adapter knows of it). */
export function kerasExports(module: string): readonly string[] {
  const name = kerasName(module);
  const ns = name ? normalize(name) : undefined;
  if (ns?.root !== 'keras') {
    return [];
  }
  if (/(^|\.)layers$/.test(ns.path)) {
    return [...layerNames(), 'Input', 'InputLayer', 'Layer', ...MERGE_FUNCTIONS.keys()];
  }
  if (ns.path === '' || ns.path === 'models') {
    return ['Sequential', 'Model', 'Input', 'layers', 'initializers', 'activations', 'models', 'ops', 'backend', 'regularizers', 'optimizers'];
  }
  return [];
}
