/**
 * The Flax adapter: a parsed file → one Model per linen or nnx Module subclass, with its layers in
 * data-flow order, named as Flax names them (`Dense_0`, `encoder.layers_1`, nnx `layers.0`), the
 * activation after each, and the initializer in force per parameter in JAX's semantics. The Python
 * is evaluated by the one evaluator (src/core/python/eval); ./semantics.ts is what Flax adds.
 */
import type { FileGraph } from '../../graph';
import type { PyNode } from '../../python/ast';
import { PythonEvaluator } from '../../python/eval/evaluator';
import type { ModuleResolvers } from '../../python/eval/imports';
import type { FlaxHost } from './host';
import { FlaxFramework } from './semantics';

/** Extracts every Flax model of a file; `modules` resolves its workspace imports. */
export function extractFlax(root: PyNode, source: string, path: string, modules?: ModuleResolvers): FileGraph {
  const framework = new FlaxFramework(root);
  const ev = new PythonEvaluator<FlaxHost>(source, framework, { modules: modules?.forEvaluator<FlaxHost>() });
  ev.runModule(root);
  const models = framework.findModels(ev);
  return { path, framework: 'flax', models, notes: ev.notes };
}
