/**
 * The work budget of one file: steps, call depth, loop iterations, sizes of repeated and built
 * sequences, and instances. Bounds never throw out of the evaluator: a loop or a size over its
 * bound is cut with a note, and only the step bound unwinds (to the evaluator's entry point, which
 * turns it into a symbol and a note). Also the file's notes: what could not be followed, in words.
 */

/** The bounds of one file's evaluation. */
export interface Limits {
  /** Statements and expressions evaluated, in all. */
  steps: number;
  /** Nested calls of local functions (recursion). */
  depth: number;
  /** Iterations of one loop. */
  loop: number;
  /** Items of one built sequence, string or range (`[x] * n`, `range(n)`). */
  size: number;
  /** Instances of local classes. */
  instances: number;
  /**
   * Steps over all the models of a file. An adapter may start each model from the budget the module
   * left (so a model's outcome does not depend on the others); this bounds their sum, so that a file
   * of many models, each near `steps`, still ends in seconds.
   */
  fileSteps: number;
  /** Instances over all the models of a file (as `fileSteps`: classes that each hold two of the previous one). */
  fileInstances: number;
  /** Copies one repeat count of a framework builds (`num_layers` of an LSTM or a Transformer stack). */
  repeat: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  steps: 2_000_000,
  depth: 40,
  loop: 512,
  size: 100_000,
  instances: 20_000,
  fileSteps: 8_000_000,
  fileInstances: 60_000,
  repeat: 512,
};

/** Thrown when the step budget is spent; caught at the evaluator's entry points. */
export class StepsExhausted {
  constructor(readonly steps: number) {}
}

/** The note of a spent step budget where the evaluator stops (a per-model budget replaces it with its model's note). */
export function spentNote(steps: number): string {
  return `the evaluation budget of ${amount(steps)} steps was spent: the rest of the file is not evaluated`;
}

/** The largest integer a double holds exactly: larger sizes become symbols. */
export const MAX_EXACT = 2 ** 53;

/** A count in words for notes: `512`, `10⁹`, `2⁵³`. */
export function amount(n: number): string {
  if (!Number.isFinite(n)) {
    return 'infinitely many';
  }
  if (n >= 1e6) {
    const power = Math.round(Math.log10(n));
    if (10 ** power === n) {
      return `10${superscript(power)}`;
    }
    const twos = Math.round(Math.log2(n));
    if (2 ** twos === n) {
      return `2${superscript(twos)}`;
    }
    return n.toExponential(2);
  }
  return String(n);
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function superscript(n: number): string {
  let out = '';
  for (const digit of String(n)) {
    out += SUPERSCRIPTS[Number(digit)] ?? digit;
  }
  return out;
}

/** Counts work against the limits and keeps the notes. */
export class Budget {
  steps = 0;
  instances = 0;
  /** What the evaluation could not follow and why (one line each, deduplicated, in order). */
  readonly notes = new Set<string>();
  /** How many notes were given, repeats included (a replay of module code must have given none). */
  notesGiven = 0;

  constructor(readonly limits: Readonly<Limits> = DEFAULT_LIMITS) {}

  /** Spends one step; throws StepsExhausted when the budget is gone. */
  tick(): void {
    if (++this.steps > this.limits.steps) {
      throw new StepsExhausted(this.limits.steps);
    }
  }

  /** True while steps remain (the entry points stop early once they are gone). */
  get exhausted(): boolean {
    return this.steps > this.limits.steps;
  }

  note(text: string): void {
    this.notesGiven++;
    this.notes.add(text);
  }

  /**
   * True when a framework may build `n` copies of a layer (`num_layers=n`); else notes why not and
   * what the caller does instead (one symbolic copy). Not a whole, non-negative count is the
   * caller's to judge, not the budget's.
   */
  allowsRepeat(n: number, what: string, instead = 'its layers are one symbolic layer'): boolean {
    if (n <= this.limits.repeat) {
      return true;
    }
    this.note(`${what} of ${amount(n)} is over the limit of ${amount(this.limits.repeat)} copies: ${instead}`);
    return false;
  }

  /** True when a sequence of `n` items may be built; else notes why not and what the caller does instead. */
  allowsSize(n: number, what: string, instead = 'kept as a symbol'): boolean {
    if (n <= this.limits.size) {
      return true;
    }
    this.note(`${what} of ${amount(n)} items is over the limit of ${amount(this.limits.size)}: ${instead}`);
    return false;
  }
}
