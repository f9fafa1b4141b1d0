/**
 * `check --select/--extend-select/--ignore`, resolved as Ruff resolves them: a selector is `ALL`,
 * a rule code, or a prefix of codes (the prefix init-re covers init-relu, init-recurrent and init-residual).
 * The project's `[tool.init-lens]` `select`/`ignore` are applied first, then the command line's:
 * a `--select` starts afresh from its own rules, `--extend-select` adds, `--ignore` removes. Within
 * one of the two, the more specific selector wins (`--ignore ALL --select init-relu` keeps
 * init-relu), and ignore wins a tie.
 */
import { RULE_LIST, type RuleCode } from '../core/advice/rules';
import type { ProjectConfig } from '../core/config/projectConfig';
import { UsageError } from './cliErrors';

/** The rule selectors given on the command line (each list in the order given). */
export interface RuleSelection {
  select?: string[];
  extendSelect: string[];
  ignore: string[];
}

/** No selector given. */
export const NO_SELECTION: RuleSelection = { extendSelect: [], ignore: [] };

/** How specific a selector is for a code: -1 when it does not match, 0 for ALL, else its length. */
function specificity(selector: string, code: string): number {
  if (selector === 'ALL') {
    return 0;
  }
  return code.startsWith(selector) ? selector.length : -1;
}

/** The most specific match among the selectors, -1 for none. */
function bestMatch(selectors: readonly string[], code: string): number {
  return selectors.reduce((best, selector) => Math.max(best, specificity(selector, code)), -1);
}

/** Splits comma-separated values and checks each is ALL or a prefix of a rule code; a usage error otherwise. */
export function parseSelectors(option: string, value: string): string[] {
  const selectors = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (selectors.length === 0) {
    throw new UsageError(`${option} needs a rule code, a prefix of rule codes or ALL`);
  }
  for (const selector of selectors) {
    if (bestMatchAny(selector) < 0) {
      throw new UsageError(`${option}: unknown rule selector '${selector}' (rules: ${RULE_LIST.map((rule) => rule.code).join(', ')}, or ALL)`);
    }
  }
  return selectors;
}

function bestMatchAny(selector: string): number {
  return Math.max(...RULE_LIST.map((rule) => specificity(selector, rule.code)));
}

/** One layer of selection (the project's table, then the command line) applied to what is on. */
function applyLayer(on: Set<RuleCode>, select: readonly string[] | undefined, extendSelect: readonly string[], ignore: readonly string[]): void {
  for (const { code } of RULE_LIST) {
    const selected = bestMatch([...(select ?? []), ...extendSelect], code);
    const ignored = bestMatch(ignore, code);
    if (select !== undefined && selected < 0) {
      on.delete(code);
    }
    if (selected > ignored) {
      on.add(code);
    } else if (ignored >= 0) {
      on.delete(code);
    }
  }
}

/** True when the command line selects or ignores anything. */
export function hasSelection(selection: RuleSelection): boolean {
  return selection.select !== undefined || selection.extendSelect.length > 0 || selection.ignore.length > 0;
}

/**
 * The project's table with the command line's selection folded into its `select` (and no
 * `ignore` left): what `withProject` then applies with the table's severities. The table itself
 * when the command line selects nothing.
 */
export function withSelection(project: ProjectConfig | undefined, selection: RuleSelection): ProjectConfig | undefined {
  if (!hasSelection(selection)) {
    return project;
  }
  const on = new Set<RuleCode>(RULE_LIST.map((rule) => rule.code));
  applyLayer(on, project?.select, [], project?.ignore ?? []);
  applyLayer(on, selection.select, selection.extendSelect, selection.ignore);
  const { ignore: _ignore, ...rest } = project ?? {};
  return { ...rest, select: RULE_LIST.map((rule) => rule.code).filter((code) => on.has(code)) };
}
