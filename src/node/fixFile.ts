/**
 * `check --fix` and `--diff` for one file: the quick fixes the editor offers (merged as its
 * "fix all" merges them, ../core/advice/fixAll.ts), applied in rounds until none is left. A round
 * is kept only when its result still parses, clears at least one finding and brings no new one;
 * otherwise the file keeps the previous round's text and a note says why. Before each round every
 * fix is checked on its own (re-analysed, ../core/verifiedFixes.ts): one that fails is left
 * out, with a note.
 */
import { mergeFixes } from '../core/advice/fixAll';
import type { Finding } from '../core/advice/types';
import { findingKeys, parsesCleanly, verifyFixes } from '../core/verifiedFixes';
import type { LintedFile } from '../core/lint';
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
  const said = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS && fixable().length > 0; round++) {
    // Each fix is checked on its own first (../core/verifiedFixes.ts); only those that pass are merged.
    const verified = verifyFixes(current.text, fixable(), (fixedText) => lint(fixedText).analysis.advice.findings);
    for (const note of verified.notes.filter((note) => !said.has(note))) {
      said.add(note);
      notes.push(note);
    }
    const before = verified.findings.filter((finding) => finding.fix !== null);
    if (before.length === 0) {
      break;
    }
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
    const beforeKeys = new Set(current.linted.analysis.advice.findings.flatMap(findingKeys));
    const afterKeys = new Set(linted.analysis.advice.findings.flatMap(findingKeys));
    const cleared = before.filter((finding) => findingKeys(finding).every((key) => !afterKeys.has(key)));
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
