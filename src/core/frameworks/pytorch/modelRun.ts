/**
 * What every PyTorch model goes through once its instance is built, whether from a class's default
 * arguments or from an entry point of the file: its `forward` run on fresh inputs, inside a budget
 * of its own so that its outcome does not depend on which other models were built.
 */
import type { Model } from '../../graph';
import type { ModelOutcome } from '../../incremental/reuseHooks';
import type { PyNode } from '../../python/ast';
import { findInClass } from '../../python/eval/attributes';
import type { Context } from '../../python/eval/contracts';
import { NONE, type PyFunction } from '../../python/eval/values';
import { spentNote } from '../../python/eval/budget';
import { restartBudget, spentSince, type BudgetStart } from '../../python/eval/modelBudget';
import type { PythonEvaluator } from '../../python/eval/evaluator';
import { consumeLinearly, tensorOf } from './flow';
import { INIT_METHOD, type TorchFramework } from './torchFramework';
import { moduleOf, tensorOfValue, tensorValue, type TorchHost, type TorchObject, type TorchValue } from './torchHost';

/**
 * Runs `build` from the budget left after the module ran, with notes of its own prefixed by
 * `label` (without the module's own notes again, with `skipFileNotes`); a spent budget gives no
 * model and a note saying so.
 */
export function isolatedOutcome(
  ev: PythonEvaluator<TorchHost>,
  label: string,
  start: BudgetStart,
  build: () => Model | undefined,
  options: { skipFileNotes?: boolean } = {},
): ModelOutcome {
  const budget = ev.budget;
  const fileNotes = [...budget.notes];
  budget.notes.clear();
  restartBudget(budget, start);
  let spent = false;
  const model = ev.guard<Model | undefined>(build, () => {
    spent = true;
    return undefined;
  });
  // Code the module ran already said its notes (an entry point runs module-level lines again).
  const own = options.skipFileNotes ? [...budget.notes].filter((note) => !fileNotes.includes(note)) : [...budget.notes];
  // "The rest of the file is not evaluated" is not so: the models after this one get their own budget.
  const stopped = spentNote(budget.limits.steps);
  const notes = own.filter((note) => note !== stopped).map((note) => `${label}: ${note}`);
  budget.notes.clear();
  fileNotes.forEach((note) => budget.notes.add(note));
  const cost = spentSince(budget, start);
  if (spent) {
    return { notes: [...notes, `${label}: skipped, the model is too large to analyse statically within the budget`], spent: cost };
  }
  return model ? { model, notes, spent: cost } : { notes, spent: cost };
}

/** Runs a model instance's `forward` on fresh tensors: one per parameter without a default. */
export function runModelForward(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, instance: TorchValue, node: PyNode, ctx: Context<TorchHost>): void {
  const forward = instance.kind === 'object' ? findInClass(instance.cls, 'forward')?.value : undefined;
  if (instance.kind === 'object' && forward === undefined && moduleOf(instance)?.torchClass === undefined) {
    runDataFlowMethods(ev, torch, instance, node, ctx);
    return;
  }
  const args = freshInputs(forward?.kind === 'func' ? forward.fn : undefined);
  torch.runningModel = true;
  try {
    consumeOutput(ev.call(instance, args, new Map(), node, ctx));
  } finally {
    torch.runningModel = false;
  }
}

/** Fresh input tensors for a method: one per positional parameter (after `self`) without a default, at least one. */
function freshInputs(fn: PyFunction<TorchHost> | undefined): TorchValue[] {
  const params = fn ? fn.params.slice(1) : [];
  const required = params.filter((p) => p.kind === 'positional' && !p.defaultNode).length;
  return Array.from({ length: Math.max(1, required) }, () => tensorValue(tensorOf([], true)));
}

/**
 * A model without `forward` (an RL agent's `get_value` / `get_action_and_value`): its own public
 * methods that take inputs are its data flow, each run on fresh tensors as a forward would be.
 */
function runDataFlowMethods(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, instance: TorchObject, node: PyNode, ctx: Context<TorchHost>): void {
  const names = new Set<string>();
  for (const cls of instance.cls.mro) {
    for (const [name, value] of cls.attrs) {
      const takesInput = value.kind === 'func' && value.fn.params.length > 1 && value.fn.params[1]!.kind === 'positional';
      if (takesInput && !name.startsWith('_') && !INIT_METHOD.test(name)) {
        names.add(name);
      }
    }
  }
  if (names.size === 0) {
    return;
  }
  ev.note(`${instance.cls.name} has no forward: its methods ${[...names].join(', ')} were followed as its data flow`);
  torch.runningModel = true;
  try {
    for (const name of names) {
      const method = findInClass(instance.cls, name)?.value;
      const args = freshInputs(method?.kind === 'func' ? method.fn : undefined);
      consumeOutput(torch.asForward(() => ev.callMethod(instance, name, args, new Map(), node, ctx) ?? NONE));
    }
  } finally {
    torch.runningModel = false;
  }
}

/** What forward returns is the model output: no activation follows it. */
function consumeOutput(value: TorchValue): void {
  const tensor = tensorOfValue(value);
  if (tensor) {
    consumeLinearly(tensor);
  } else if (value.kind === 'list') {
    value.items.forEach(consumeOutput);
  } else if (value.kind === 'dict') {
    [...value.entries.values()].forEach((entry) => consumeOutput(entry.value));
  } else if (value.kind === 'object' && !value.host) {
    // Outputs packed in a namedtuple or dataclass (`GoogLeNetOutputs(x, aux2, aux1)`).
    [...value.attrs.values()].forEach(consumeOutput);
  }
}
