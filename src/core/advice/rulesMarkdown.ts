/**
 * The README's rules section, generated from the registry (`npm run docs:rules` writes it between
 * the markers; a unit test keeps the README equal to it).
 */
import { DEFAULT_ADVICE_OPTIONS } from './advise';
import { RULE_LIST, type RuleInfo } from './rules';

/** The markers around the generated section in the README. */
export const RULES_SECTION_START = '<!-- rules:start (generated from src/core/advice/rules.ts by `npm run docs:rules`; do not edit) -->';
export const RULES_SECTION_END = '<!-- rules:end -->';

/** How a rule's class becomes a severity through the settings, with the defaults. */
function severityText(rule: RuleInfo): string {
  const { mismatchSeverity, minorSeverity } = DEFAULT_ADVICE_OPTIONS;
  if (rule.severityClass === 'mismatch') {
    return (
      `\`initLens.severity.mismatch\` (default ${mismatchSeverity}) when the drift over the stack passes ` +
      `\`initLens.driftThreshold\`, \`initLens.severity.minor\` (default ${minorSeverity}) under it.`
    );
  }
  return `\`initLens.severity.minor\` (default ${minorSeverity}).`;
}

/** One rule in Ruff's form: anchor, heading, what it does, why it is bad, example, source. */
function ruleMarkdown(rule: RuleInfo): string {
  return [
    `<a id="${rule.anchor}"></a>`,
    '',
    `### \`${rule.code}\`: ${rule.title}`,
    '',
    `**Severity**: ${severityText(rule)}`,
    '',
    `**What it does**: ${rule.docs.whatItDoes}`,
    '',
    `**Why is this bad?** ${rule.docs.whyIsThisBad}`,
    '',
    '<details><summary>Example</summary>',
    '',
    '```python',
    rule.docs.example.trimEnd(),
    '```',
    '',
    'Use instead:',
    '',
    '```python',
    rule.docs.useInstead.trimEnd(),
    '```',
    '',
    '</details>',
    '',
    `**Source**: ${rule.source}.`,
  ].join('\n');
}

/** The generated section, markers included. */
export function rulesSection(): string {
  return [RULES_SECTION_START, '', RULE_LIST.map(ruleMarkdown).join('\n\n'), '', RULES_SECTION_END].join('\n');
}

/** The README with its rules section (between the markers) replaced by the generated one. */
export function withRulesSection(readme: string): string {
  const start = readme.indexOf(RULES_SECTION_START);
  const end = readme.indexOf(RULES_SECTION_END);
  if (start < 0 || end < start) {
    throw new Error(`the README has no rules section between ${RULES_SECTION_START} and ${RULES_SECTION_END}`);
  }
  return readme.slice(0, start) + rulesSection() + readme.slice(end + RULES_SECTION_END.length);
}
