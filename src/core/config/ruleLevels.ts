/**
 * Per-rule levels: `off` or a severity for each rule code, as `[tool.init-lens]` and the
 * `initLens.rules` setting give them. A rule with a level takes it for every finding; a rule with
 * none keeps the severity advice gave it (its class through `initLens.severity.*`).
 */
import { isRuleCode, type RuleCode } from '../advice/rules';
import type { Finding, Severity } from '../advice/types';

/** A rule's level: off, or the severity of all its findings. */
export type RuleLevel = 'off' | Severity;

/** The levels, in the order messages list them. */
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'hint', 'information', 'warning', 'error'];

/** Levels by rule code; a rule not listed keeps advice's severity. */
export type RuleLevels = Partial<Record<RuleCode, RuleLevel>>;

/** True when `value` is a level. */
export function isRuleLevel(value: unknown): value is RuleLevel {
  return typeof value === 'string' && (RULE_LEVELS as readonly string[]).includes(value);
}

/** The entries of an untrusted object that are a rule code with a level (anything else is left out). */
export function ruleLevelsOf(value: unknown): RuleLevels {
  const levels: RuleLevels = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [code, level] of Object.entries(value)) {
      if (isRuleCode(code) && isRuleLevel(level)) {
        levels[code] = level;
      }
    }
  }
  return levels;
}

/** The findings of rules that are not off, each with its rule's level as severity when it has one. */
export function applyRuleLevels(findings: readonly Finding[], levels: RuleLevels): Finding[] {
  const kept: Finding[] = [];
  for (const finding of findings) {
    const level = levels[finding.rule];
    if (level === 'off') {
      continue;
    }
    // A copy: the finding may belong to an analysis a cache keeps.
    kept.push(level === undefined || level === finding.severity ? finding : { ...finding, severity: level });
  }
  return kept;
}
