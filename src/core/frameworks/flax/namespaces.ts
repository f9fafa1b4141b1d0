/**
 * What Flax's qualified names (`flax.linen.Dense`, `flax.linen.relu`, `jax.nn.initializers.he_normal`,
 * `jnp.tanh`) mean as host values: layer classes, module bases, `nn.compact`, initializer factories
 * and values, activations; every other name of a library module is a function known by its path
 * (array functions, transforms). Paths are canonical import paths, so every alias (`nn`, `nnx`,
 * `jax.nn`, `initializers`, `from flax.linen import relu`) resolves alike.
 */
import { jaxActivationName } from './activations';
import { flaxLayerClass, isFlaxModuleBase } from './catalog';
import { host, type FlaxHost, type Value } from './host';
import { initializerFactory, isPlainInitializer } from './initializers';

/** Modules that export the JAX initializers: jax.nn.initializers, flax.linen.initializers, flax.nnx.initializers. */
const INITIALIZER_MODULE = /^(?:jax\.nn\.initializers|flax\.(?:linen|nnx)(?:\.nn)?\.initializers|flax\.linen|flax\.nnx)$/;

/** Modules that export the JAX activations (flax.linen.activation re-exports jax.nn's). */
const ACTIVATION_MODULE = /^(?:jax\.nn|flax\.linen(?:\.activation)?|flax\.nnx(?:\.nn\.activations)?)$/;

function split(path: string): { module: string; name: string } {
  const at = path.lastIndexOf('.');
  return at < 0 ? { module: '', name: path } : { module: path.slice(0, at), name: path.slice(at + 1) };
}

/** The initializer factory a path names (`he_normal`, `variance_scaling`), or undefined. */
export function initializerAt(path: string): string | undefined {
  const { module, name } = split(path);
  if (!INITIALIZER_MODULE.test(module)) {
    return undefined;
  }
  // flax.linen / flax.nnx re-export only zeros/ones (and *_init) at the top level, not the whole set.
  if ((module === 'flax.linen' || module === 'flax.nnx') && !/^(zeros|ones)(_init)?$/.test(name)) {
    return undefined;
  }
  // The name as written (`kaiming_normal` stays `kaiming_normal`; JAX defines it as he_normal).
  return initializerFactory(name) !== undefined || isPlainInitializer(name) ? name : undefined;
}

/**
 * An initializer that is a value without a call: `zeros` / `ones`, and Flax's module-level defaults
 * `default_kernel_init = initializers.lecun_normal()` (linen/linear.py, nnx/nn/linear.py) and
 * `default_embed_init = variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)`.
 */
export function initializerValueAt(path: string): { name: string; args: Record<string, string | number> } | undefined {
  const { module, name } = split(path);
  if (/^flax\.(linen|nnx)(\.nn)?\.linear$|^flax\.(linen|nnx)$/.test(module)) {
    if (name === 'default_kernel_init') {
      return { name: 'lecun_normal', args: {} };
    }
    if (name === 'default_embed_init') {
      return { name: 'variance_scaling', args: { scale: 1, mode: 'fan_in', distribution: 'normal', out_axis: 0 } };
    }
  }
  const factory = initializerAt(path);
  return factory && isPlainInitializer(factory) ? { name: factory, args: {} } : undefined;
}

/** The neutral activation name a path names (`flax.linen.gelu` → gelu), or undefined. */
export function activationAt(path: string): { jaxName: string; name: string } | undefined {
  const { module, name } = split(path);
  if (module === 'jax.numpy' && name === 'tanh') {
    return { jaxName: 'tanh', name: 'tanh' };
  }
  if (!ACTIVATION_MODULE.test(module)) {
    return undefined;
  }
  const neutral = jaxActivationName(name);
  return neutral ? { jaxName: name, name: neutral } : undefined;
}

/** Array-library modules whose functions are data plumbing (reshape, pooling, concatenation). */
export function isArrayModule(module: string): boolean {
  return /^(?:jax\.numpy|jax\.lax|jax|numpy|flax\.linen(?:\.pooling)?|flax\.nnx|jax\.numpy\.linalg|einops)$/.test(module);
}

export { split as splitPath };

/** The host value a qualified name stands for. */
export function resolveFlax(qualified: string): Value {
  if (qualified === 'flax.struct.field' || qualified === 'flax.struct.dataclass') {
    return { kind: 'builtin', name: `dataclasses.${qualified.slice('flax.struct.'.length)}` };
  }
  return host(hostAt(qualified));
}

function hostAt(path: string): FlaxHost {
  const layerClass = flaxLayerClass(path);
  if (layerClass) {
    return { kind: 'layerClass', ...layerClass };
  }
  const base = isFlaxModuleBase(path);
  if (base) {
    return { kind: 'base', flavour: base };
  }
  if (/^flax\.(linen|nnx)(\.module)?\.compact$/.test(path)) {
    return { kind: 'compact' };
  }
  const value = initializerValueAt(path);
  if (value) {
    return { kind: 'init', name: value.name, args: value.args };
  }
  const factory = initializerAt(path);
  if (factory) {
    return { kind: 'initFactory', name: factory };
  }
  const activation = activationAt(path);
  if (activation) {
    return { kind: 'activation', ...activation };
  }
  return { kind: 'fn', path };
}
