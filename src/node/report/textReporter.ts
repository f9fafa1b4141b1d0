/**
 * The default format: one `file:line:col: severity rule: message` line per finding (the further
 * lines of a message, such as a merged finding's reasons, indented beneath it), written as each file is done, and a closing summary (left out with `--quiet`).
 */
import { UNUSED_SUPPRESSION, unusedMessage } from './findingJson';
import type { CheckReporter, CheckTotals, FileResult } from './reporter';

/** The closing summary line. */
export function summaryLine(totals: CheckTotals): string {
  const unused = totals.unused > 0 ? `, ${totals.unused} unused suppressions` : '';
  const fixed = totals.fixed >= 0 ? `, ${totals.fixed} fixed` : '';
  return `${totals.files} files, ${totals.models} models, ${totals.warnings} warnings, ${totals.others} other findings${unused}${fixed}\n`;
}

/** Linter lines on `out`. */
export function textReporter(out: (text: string) => void, quiet: boolean): CheckReporter {
  return {
    file({ file, analysis, unused }: FileResult) {
      let text = '';
      for (const finding of analysis.advice.findings) {
        text += `${file}:${finding.range.start.line + 1}:${finding.range.start.column + 1}: ${finding.severity} ${finding.rule}: ${finding.message.replace(/\n/g, '\n    ')}\n`;
      }
      for (const entry of unused) {
        text += `${entry.file}:${entry.unused.directive.line + 1}:${entry.unused.directive.column + 1}: warning ${UNUSED_SUPPRESSION}: ${unusedMessage(entry)}\n`;
      }
      if (text) {
        out(text);
      }
    },
    end(totals) {
      if (!quiet) {
        out(summaryLine(totals));
      }
    },
  };
}
