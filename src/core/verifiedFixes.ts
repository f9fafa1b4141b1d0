/**
 * Fixes checked before they are offered: each fix's edits are applied to the text, the result must
 * parse, and re-analysed (by the same analysis the findings came from, which the caller supplies)
 * it must no longer have the finding. A fix that fails keeps its finding but loses its fix, and a
 * note says why. The CLI's `--fix`/`--diff` and the editor's code actions both go through this.
 *
 * A finding that stands for several layer instances (../advice/findingsByRange.ts) may offer one
 * fix per distinct edit (`fixesOf`): each of them is checked, and one that fails is taken out of
 * the finding's fixes while the others stay. A fix clears its finding when, re-analysed, at least one
 * of the instances the finding names is gone (a fix for some of a merged finding's instances leaves
 * the others, which keep their own fixes).
 *
 * The check is written once, as a generator that yields each text to analyse and is handed back
 * that text's findings, so a synchronous caller (the CLI) and an asynchronous one (the editor, whose
 * analysis runs in a worker) drive the same steps.
 */
import { asParsed } from './python/lines';
import { parsePython } from './python/parser';
import { applyTextEdits } from './textEdits';
import { mergeFixes } from './advice/fixAll';
import { fixesOf, instancesOf } from './advice/findingsByRange';
import type { Finding, Fix, TextEdit } from './advice/types';

/**
 * Distinct fixes re-analysed one by one; the others of a file are re-analysed together, once, so a
 * file with thousands of fixes costs a bounded number of analyses.
 */
export const MAX_SEPARATE_CHECKS = 24;

/** The findings, each failed fix removed (`fix: null`), and why each was removed. */
export interface VerifiedFixes {
  findings: Finding[];
  notes: string[];
}

/** The steps of a check: yields a text to analyse, takes its findings (undefined: not analysed). */
export type FixVerification = Generator<string, VerifiedFixes, Finding[] | undefined>;

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
 * What identifies a finding across texts: its rule, model and layer (positions move), one key per
 * layer instance it stands for (which instance leads may change from one text to the next).
 */
export function findingKeys(finding: Finding): string[] {
  return instancesOf(finding).map(({ model, layer }) => `${finding.rule}|${model}|${layer}`);
}

/** One finding per distinct fix of `finding` (`fixesOf`), each with that fix alone. */
export function fixCandidates(finding: Finding): Finding[] {
  if (!finding.fixes) {
    return finding.fix ? [finding] : [];
  }
  const { fixes: _all, ...single } = finding;
  return fixesOf(finding).map((fix) => ({ ...single, fix }));
}

/** Applies `edits` and re-analyses: per finding of `findings`, why the edits fail it (absent: they clear it). */
function* checkEdits(text: string, edits: TextEdit[], findings: Finding[]): Generator<string, Map<Finding, string>, Finding[] | undefined> {
  const all = (reason: string) => new Map(findings.map((finding) => [finding, reason]));
  let fixed: string;
  try {
    fixed = applyTextEdits(text, edits);
  } catch (error) {
    return all(`its edits cannot be applied (${(error as Error).message})`);
  }
  if (fixed === text) {
    return all('it changes nothing');
  }
  if (!parsesCleanly(fixed)) {
    return all('the fixed file would not parse');
  }
  const after = yield fixed;
  if (!after) {
    return all('the fixed file was not analysed');
  }
  const left = new Set(after.flatMap(findingKeys));
  const kept = findings.filter((finding) => findingKeys(finding).every((key) => left.has(key)));
  return new Map(kept.map((finding) => [finding, 're-analysed, it does not clear its finding']));
}

/** The findings with a fix, grouped by identical edits (one container loop can serve many layers). */
function groupsOf(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.fix) {
      const key = JSON.stringify(finding.fix.edits);
      const group = groups.get(key);
      if (group) {
        group.push(finding); // not a copy: one container loop may serve thousands of layers
      } else {
        groups.set(key, [finding]);
      }
    }
  }
  return [...groups.values()];
}

/** The check of every fix of `findings`, made for `text` (see the file comment). */
export function* fixVerification(text: string, findings: readonly Finding[], maxSeparate = MAX_SEPARATE_CHECKS): FixVerification {
  const failed = new Map<Finding, string>();
  const candidates = findings.map(fixCandidates);
  const groups = groupsOf(candidates.flat());
  for (const group of groups.slice(0, maxSeparate)) {
    const reasons = yield* checkEdits(text, group[0]!.fix!.edits, group);
    reasons.forEach((reason, finding) => failed.set(finding, reason));
  }
  const rest = groups.slice(maxSeparate).flat();
  if (rest.length > 0) {
    const merged = mergeFixes(rest);
    const inMerge = new Set(merged.map((edit) => JSON.stringify(edit)));
    const included = rest.filter((finding) => finding.fix!.edits.every((edit) => inMerge.has(JSON.stringify(edit))));
    const includedSet = new Set(included);
    rest
      .filter((finding) => !includedSet.has(finding))
      .forEach((finding) => failed.set(finding, `not checked: over ${maxSeparate} fixes, and it overlaps another`));
    const reasons = yield* checkEdits(text, merged, included);
    reasons.forEach((reason, finding) => failed.set(finding, reason));
  }
  const notes = findings.flatMap((finding, index) =>
    candidates[index]!.filter((candidate) => failed.has(candidate)).map((candidate) => {
      // A finding with several fixes says which one is not offered.
      const which = finding.fixes ? ` "${candidate.fix!.title}"` : '';
      return `fix${which} not offered for ${finding.rule} on ${finding.model}.${finding.layer}: ${failed.get(candidate)!}`;
    }),
  );
  return { findings: findings.map((finding, index) => withPassing(finding, candidates[index]!, failed)), notes };
}

/** The finding with only the fixes of its candidates that passed (itself when all passed). */
function withPassing(finding: Finding, candidates: Finding[], failed: ReadonlyMap<Finding, string>): Finding {
  if (!candidates.some((candidate) => failed.has(candidate))) {
    return finding;
  }
  const passing: Fix[] = candidates.filter((candidate) => !failed.has(candidate)).map((candidate) => candidate.fix!);
  const { fixes: _all, ...rest } = finding;
  return { ...rest, fix: passing[0] ?? null, ...(passing.length > 1 ? { fixes: passing } : {}) };
}

/** Runs the check with a synchronous analysis of a text (its findings, or undefined when not analysed). */
export function verifyFixes(
  text: string,
  findings: readonly Finding[],
  analyse: (text: string) => Finding[] | undefined,
  maxSeparate = MAX_SEPARATE_CHECKS,
): VerifiedFixes {
  const steps = fixVerification(text, findings, maxSeparate);
  let step = steps.next();
  while (!step.done) {
    step = steps.next(analyse(step.value));
  }
  return step.value;
}

/** Runs the check with an asynchronous analysis (the editor's worker). */
export async function verifyFixesAsync(
  text: string,
  findings: readonly Finding[],
  analyse: (text: string) => Promise<Finding[] | undefined>,
  maxSeparate = MAX_SEPARATE_CHECKS,
): Promise<VerifiedFixes> {
  const steps = fixVerification(text, findings, maxSeparate);
  let step = steps.next();
  while (!step.done) {
    step = steps.next(await analyse(step.value));
  }
  return step.value;
}
