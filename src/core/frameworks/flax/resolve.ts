/**
 * Flax's qualified names as host values: layer classes (`flax.linen.Dense`, `flax.nnx.Linear`),
 * module bases, `nn.compact`, initializer factories and initializer values, activations; every
 * other name of a library module is a function known by its path (array functions, transforms).
 */
import { flaxLayerClass, isFlaxModuleBase } from './catalog';
import { host, type FlaxHost, type Value } from './host';
import { activationAt, initializerAt, initializerValueAt } from './namespaces';

/** The host value a qualified name stands for. */
export function resolveFlax(qualified: string): Value {
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
