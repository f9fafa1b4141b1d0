/**
 * The Flax adapter: a parsed file → one Model per linen or nnx Module subclass, with its layers in
 * data-flow order, named as Flax names them (`Dense_0`, `encoder.layers_1`, nnx `layers.0`), the
 * activation after each, and the initializer in force per parameter in JAX's semantics. The Python
 * is evaluated by the one evaluator (src/core/python/eval); ./semantics.ts is what Flax adds.
 */
import type { FileGraph, Layer } from '../../graph';
import type { PyNode } from '../../python/ast';
import { PythonEvaluator } from '../../python/eval/evaluator';
import type { FlaxHost } from './host';
import { FlaxFramework } from './semantics';

/**
 * The constructor call of each extracted layer, for the fix speller: a side table keyed by the
 * Layer objects this adapter made (weak, so it holds no graph alive; each Layer is written once).
 */
const CALLS = new WeakMap<Layer, PyNode>();

/** The constructor call of a layer this adapter extracted. */
export function flaxCallOf(layer: Layer): PyNode | undefined {
  return CALLS.get(layer);
}

/** Extracts every Flax model of a file. */
export function extractFlax(root: PyNode, source: string, path: string): FileGraph {
  const framework = new FlaxFramework(root);
  const ev = new PythonEvaluator<FlaxHost>(source, framework);
  ev.runModule(root);
  const found = framework.findModels(ev);
  for (const { calls } of found) {
    calls.forEach((call, layer) => CALLS.set(layer, call));
  }
  return { path, framework: 'flax', models: found.map((f) => f.model), notes: ev.notes };
}
