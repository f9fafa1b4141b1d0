/**
 * What a file's analysis reports once the project's choices apply: rules turned off or given a
 * level (./config/ruleLevels.ts), then suppression comments (./suppression.ts). The editor, the
 * workspace scan and the CLI all report through this, so a comment or a table silences the same
 * finding everywhere.
 */
import type { Finding } from './advice/types';
import type { RuleLevels } from './config/ruleLevels';
import { applyRuleLevels } from './config/ruleLevels';
import type { FileAnalysis } from './engine';
import { commentsOf } from './python/comments';
import type { Tree } from './python/parser';
import { applySuppressions, suppressionDirectives, type UnusedSuppression } from './suppression';

/** A file's analysis with only the findings to report, and what the comments did. */
export interface LintedFile {
  /** The analysis, its findings filtered and leveled (a copy: the given analysis is not changed). */
  analysis: FileAnalysis;
  suppressed: Finding[];
  unused: UnusedSuppression[];
}

/** Cheap test before parsing for comments: a file with neither word has no directive. */
const MAY_SUPPRESS = /noqa|init-lens/i;

/**
 * Applies the rule levels and the suppression comments of `text` (the text the analysis was made
 * of) to the analysis. `tree`, when given, is a tree of exactly `text`; it is read, not deleted.
 */
export function lintAnalysis(analysis: FileAnalysis, text: string, rules: RuleLevels, tree?: Tree): LintedFile {
  const leveled = applyRuleLevels(analysis.advice.findings, rules);
  const directives = MAY_SUPPRESS.test(text) ? suppressionDirectives(commentsOf(text, tree)) : [];
  const { kept, suppressed, unused } = applySuppressions(leveled, directives);
  return { analysis: { graph: analysis.graph, advice: { ...analysis.advice, findings: kept } }, suppressed, unused };
}
