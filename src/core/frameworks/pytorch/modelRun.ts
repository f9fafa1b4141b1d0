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
import { amount } from '../../python/eval/budget';
import type { PythonEvaluator } from '../../python/eval/evaluator';
import { consumeLinearly, tensorOf } from './flow';
import type { TorchFramework } from './torchFramework';
import { tensorOfValue, tensorValue, type TorchHost, type TorchValue } from './torchHost';

/** Where the budget stood after the module ran: every model starts from there. */
export interface BudgetStart {
  steps: number;
  instances: number;
}

/** What the file's models spent between them, against the file's bound (`fileSteps`, `fileInstances`). */
export class FileBudget {
  private steps = 0;
  private instances = 0;

  constructor(private readonly ev: PythonEvaluator<TorchHost>) {}

  /** Counts a model's outcome (a reused one included: its cost is part of the file's). */
  add(outcome: ModelOutcome): void {
    this.steps += outcome.spent?.steps ?? 0;
    this.instances += outcome.spent?.instances ?? 0;
  }

  /** The file's bound the models so far have passed, in words, or undefined while within it. */
  spentOn(): string | undefined {
    const limits = this.ev.budget.limits;
    if (this.steps > limits.fileSteps) {
      return `the evaluation budget of ${amount(limits.fileSteps)} steps`;
    }
    if (this.instances > limits.fileInstances) {
      return `the evaluation budget of ${amount(limits.fileInstances)} instances`;
    }
    return undefined;
  }
}

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
  budget.steps = start.steps;
  budget.instances = start.instances;
  let spent = false;
  const model = ev.guard<Model | undefined>(build, () => {
    spent = true;
    return undefined;
  });
  // Code the module ran already said its notes (an entry point runs module-level lines again).
  const own = options.skipFileNotes ? [...budget.notes].filter((note) => !fileNotes.includes(note)) : [...budget.notes];
  const notes = own.map((note) => `${label}: ${note}`);
  budget.notes.clear();
  fileNotes.forEach((note) => budget.notes.add(note));
  const cost = { steps: budget.steps - start.steps, instances: budget.instances - start.instances };
  if (spent) {
    return { notes: [...notes, `${label}: skipped, the model is too large to analyse statically within the budget`], spent: cost };
  }
  return model ? { model, notes, spent: cost } : { notes, spent: cost };
}

/** Runs a model instance's `forward` on fresh tensors: one per parameter without a default. */
export function runModelForward(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, instance: TorchValue, node: PyNode, ctx: Context<TorchHost>): void {
  const forward = instance.kind === 'object' ? findInClass(instance.cls, 'forward')?.value : undefined;
  const params = forward?.kind === 'func' ? forward.fn.params.slice(1) : [];
  const required = params.filter((p) => p.kind === 'positional' && !p.defaultNode).length;
  const args: TorchValue[] = Array.from({ length: Math.max(1, required) }, () => tensorValue(tensorOf([], true)));
  torch.runningModel = true;
  try {
    consumeOutput(ev.call(instance, args, new Map(), node, ctx));
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
