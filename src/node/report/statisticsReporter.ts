/**
 * `--statistics`: instead of each finding, how many each rule reported, most first, and how many
 * of them have a fix, as Ruff's `--statistics` prints them (`count<TAB>rule<TAB>[*] title`, where
 * `[*]` marks a rule with fixable findings). With `--output-format json`, the same as a JSON array.
 */
import { isRuleCode, RULES } from '../../core/advice/rules';
import { UNUSED_SUPPRESSION } from './findingJson';
import type { CheckReporter } from './reporter';

/** One rule's count. */
export interface RuleStatistic {
  code: string;
  title: string;
  count: number;
  fixable: number;
}

/** The title a rule code is listed with. */
function titleOf(code: string): string {
  return isRuleCode(code) ? RULES[code].title : 'A suppression comment that silences no finding';
}

/** Counts per rule on `out` at the end, as text or JSON. */
export function statisticsReporter(out: (text: string) => void, json: boolean): CheckReporter {
  const counts = new Map<string, { count: number; fixable: number }>();
  const add = (code: string, fixable: boolean) => {
    const entry = counts.get(code) ?? { count: 0, fixable: 0 };
    entry.count += 1;
    entry.fixable += fixable ? 1 : 0;
    counts.set(code, entry);
  };
  return {
    file({ analysis, unused }) {
      analysis.advice.findings.forEach((finding) => add(finding.rule, finding.fix !== null));
      unused.forEach(() => add(UNUSED_SUPPRESSION, false));
    },
    end() {
      const rows: RuleStatistic[] = [...counts]
        .map(([code, { count, fixable }]) => ({ code, title: titleOf(code), count, fixable }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
      if (json) {
        out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = String(rows[0]?.count ?? 0).length;
      const codeWidth = Math.max(0, ...rows.map((row) => row.code.length));
      for (const row of rows) {
        out(`${String(row.count).padStart(width)}\t${row.code.padEnd(codeWidth)}\t${row.fixable > 0 ? '[*]' : '[ ]'} ${row.title}\n`);
      }
    },
  };
}
