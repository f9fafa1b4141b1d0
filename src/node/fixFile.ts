/**
 * `check --fix` and `--diff` for one file: the quick fixes the editor offers (merged as its
 * "fix all" merges them, ../core/advice/fixAll.ts), applied in rounds until none is left. A round
 * is kept only when its result still parses, clears at least one finding and brings no new one;
 * otherwise the file keeps the previous round's text and a note says why.
 */
import { mergeFixes } from '../core/advice/fixAll';
import { instancesOf } from '../core/advice/findingsByRange';
import type { Finding } from '../core/advice/types';
import type { LintedFile } from '../core/lint';
import { asParsed } from '../core/python/lines';
import { parsePython } from '../core/python/parser';
import { applyTextEdits } from '../core/textEdits';

/** Rounds before giving up: a fix left for a later round is one that overlapped another. */
const MAX_ROUNDS = 4;

/** What fixing a file gave. */
export interface FixOutcome {
  /** The fixed text (the given text when nothing was applied). */
  text: string;
  /** The analysis of `text`, as reported. */
  linted: LintedFile;
  /** The findings the fixes cleared. */
  fixed: Finding[];
  /** Why fixes were left unapplied, if some were. */
  notes: string[];
}

/** True when the text parses with no syntax error (a lone `\r` counts as a line break, as in the analysis). */
export function parsesCleanly(text: string): boolean {
  const tree = parsePython(asParsed(text));
  if (!tree) {
    return false;
  }
  const clean = !tree.rootNode.hasError;
  tree.delete();
  return clean;
}

/**
 * What identifies a finding across rounds: its rule, model and layer (positions move), one key per
 * layer instance it stands for (which instance leads may change from one round to the next).
 */
function keysOf(finding: Finding): string[] {
  return instancesOf(finding).map(({ model, layer }) => `${finding.rule}|${model}|${layer}`);
}

/**
 * Applies the fixes of `text`'s findings; `lint` analyses a text and gives what is reported for
 * it, `first` is that of `text` when already made.
 */
export function fixText(text: string, lint: (text: string) => LintedFile, first: LintedFile = lint(text)): FixOutcome {
  let current = { text, linted: first };
  const fixed: Finding[] = [];
  const notes: string[] = [];
  const fixable = () => current.linted.analysis.advice.findings.filter((finding) => finding.fix !== null);
  if (fixable().length > 0 && !parsesCleanly(text)) {
    return { ...current, fixed, notes: ['fixes not applied: the file has a syntax error'] };
  }
  for (let round = 0; round < MAX_ROUNDS && fixable().length > 0; round++) {
    const before = fixable();
    let next: string;
    try {
      next = applyTextEdits(current.text, mergeFixes(before, true));
    } catch (error) {
      notes.push(`fixes not applied: ${(error as Error).message}`);
      break;
    }
    if (next === current.text) {
      break;
    }
    if (!parsesCleanly(next)) {
      notes.push('fixes not applied: the fixed file would not parse');
      break;
    }
    const linted = lint(next);
    const beforeKeys = new Set(current.linted.analysis.advice.findings.flatMap(keysOf));
    const afterKeys = new Set(linted.analysis.advice.findings.flatMap(keysOf));
    const cleared = before.filter((finding) => keysOf(finding).every((key) => !afterKeys.has(key)));
    const added = [...afterKeys].filter((key) => !beforeKeys.has(key));
    if (cleared.length === 0 || added.length > 0) {
      notes.push(
        added.length > 0
          ? `fixes not applied: they would bring new findings (${added.map((key) => key.split('|')[0]).join(', ')})`
          : 'fixes not applied: they would not clear their findings',
      );
      break;
    }
    fixed.push(...cleared);
    current = { text: next, linted };
  }
  return { ...current, fixed, notes };
}
