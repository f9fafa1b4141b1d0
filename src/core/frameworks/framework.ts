/**
 * The framework interface: what PyTorch, Keras and Flax plug into the one Python evaluator
 * (src/core/python/eval), the way a pyright library file receives the type evaluator. A framework
 * never evaluates Python itself: it resolves its qualified names to host values, answers the
 * operations on them (`HostSemantics`), and finds and runs the models of a file through the
 * evaluator it receives.
 *
 * How a file is analysed:
 *   const ev = new PythonEvaluator<H>(text, framework, { limits });
 *   ev.runModule(root);                 // imports, classes, functions, module-level construction
 *   const models = framework.findModels(ev, root);
 *   // models (with ev.budget.notes) become the FileGraph.
 */
import type { FileGraph } from '../graph';
import type { PyNode } from '../python/ast';
import type { Evaluator, HostSemantics } from '../python/eval/contracts';

export type { Context, Evaluator, HostSemantics, Iteration, Kwargs, Site } from '../python/eval/contracts';
export type { PyClass, PyFunction, Value, ValueOf } from '../python/eval/values';

/**
 * A framework on the evaluator. `H` is the framework's union of host objects (layers, tensors,
 * initializers, classes of the library); `M` what it finds in a file (its models).
 */
export interface Framework<H, M> extends HostSemantics<H> {
  readonly id: Exclude<FileGraph['framework'], 'unknown'>;
  /**
   * The models of a file, after `ev.runModule(root)`: the framework looks through `ev.globals`
   * (classes deriving from its bases, builder functions, module-level models) and runs what its
   * semantics need — `ev.instantiate(cls, …)` then `ev.callMethod(instance, 'forward' | 'call' |
   * 'setup' | '__call__', …)`, or `ev.call(fn, …)` — each inside `ev.guard(work, fallback)` so that
   * a spent budget ends one model with a note, never the analysis.
   */
  findModels(ev: Evaluator<H>, root: PyNode): M[];
}
