/** Runs Python text through the evaluator with the toy framework (for the evaluator's tests). */
import { toPyAst } from '../../../src/core/python/ast';
import type { Limits } from '../../../src/core/python/eval/budget';
import { PythonEvaluator } from '../../../src/core/python/eval/evaluator';
import { parsePython } from '../../../src/core/python/parser';
import { ToyFramework, type ToyHost } from './toyFramework';

export interface Run {
  ev: PythonEvaluator<ToyHost>;
  toy: ToyFramework;
  /** The module-level variable `name`, shown as Python would print its repr (symbols as their text). */
  show(name: string): string;
}

/** Evaluates a module's text. */
export function run(code: string, limits?: Partial<Limits>): Run {
  const tree = parsePython(code)!;
  const root = toPyAst(tree, code);
  tree.delete();
  const toy = new ToyFramework();
  const ev = new PythonEvaluator<ToyHost>(code, toy, { limits });
  ev.runModule(root);
  return {
    ev,
    toy,
    show: (name) => {
      const value = ev.globals.vars.get(name);
      return value ? ev.show(value) : '<unbound>';
    },
  };
}

/** The repr of `expression` evaluated after `setup`. */
export function value(expression: string, setup = ''): string {
  return run(`${setup}\n__result__ = ${expression}\n`).show('__result__');
}
