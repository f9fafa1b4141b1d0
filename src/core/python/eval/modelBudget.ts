/**
 * One budget per model, bounded per file (issue 16 item 2), for every framework: each model of a
 * file starts from the budget the module left, so a runaway model cannot starve the ones after
 * it, and the sum of what the models spend is held to the file's bound (`fileSteps`,
 * `fileInstances`), so that a file of many models each near the per-model bound still ends.
 */
import { amount, spentNote, type Budget } from './budget';

/** Where the budget stood after the module ran: every model starts from there. */
export interface BudgetStart {
  steps: number;
  instances: number;
}

/** Where a budget stands now. */
export function budgetStart(budget: Budget): BudgetStart {
  return { steps: budget.steps, instances: budget.instances };
}

/** Sets the budget back to `start` before a model is built. */
export function restartBudget(budget: Budget, start: BudgetStart): void {
  budget.steps = start.steps;
  budget.instances = start.instances;
}

/** What a model built since `start` spent. */
export function spentSince(budget: Budget, start: BudgetStart): BudgetStart {
  return { steps: budget.steps - start.steps, instances: budget.instances - start.instances };
}

/** What the file's models spent between them, against the file's bound (`fileSteps`, `fileInstances`). */
export class FileBudget {
  private steps = 0;
  private instances = 0;

  constructor(private readonly ev: { readonly budget: Budget }) {}

  /** Counts a model's cost (a reused one included: its cost is part of the file's). */
  add(outcome: { spent?: BudgetStart }): void {
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
 * The per-model budget of one file: `run` builds each model from the start, unless the models
 * before it have spent the file's bound, in which case it is skipped and `skipped` says why.
 */
export class ModelBudgets {
  private readonly file: FileBudget;
  private readonly start: BudgetStart;

  constructor(private readonly ev: { readonly budget: Budget }) {
    this.file = new FileBudget(ev);
    this.start = budgetStart(ev.budget);
  }

  /** Runs `work` from the start; returns false, without running it, once the file's bound is spent. */
  run(work: () => void): boolean {
    if (this.skipped() !== undefined) {
      return false;
    }
    const budget = this.ev.budget;
    restartBudget(budget, this.start);
    // The evaluator's "the rest of the file is not evaluated" is not so here: later models get their own budget.
    const stopped = spentNote(budget.limits.steps);
    const said = budget.notes.has(stopped);
    try {
      work();
    } finally {
      this.file.add({ spent: spentSince(budget, this.start) });
      if (!said) {
        budget.notes.delete(stopped);
      }
    }
    return true;
  }

  /** The file's bound the models so far have passed, in words, or undefined while within it. */
  skipped(): string | undefined {
    return this.file.spentOn();
  }
}
