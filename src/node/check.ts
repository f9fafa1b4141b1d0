/**
 * `init-lens check` over analyses already made: the findings (and unused suppressions, when given)
 * in one of the output formats of ./report/, with the run's exit code. The streaming run of the
 * command line (./checkRun.ts) feeds the same reporters one file at a time.
 */
import type { FileAnalysis } from '../core/engine';
import { atWarningLevel, type CheckTotals, type UnusedInFile } from './report/reporter';
import { isCheckFormat, reporterFor } from './report/reporterFor';

export { UNUSED_SUPPRESSION } from './report/findingJson';
export type { UnusedInFile } from './report/reporter';

/**
 * Prints the findings (and unused suppressions, when given) in the format asked for, notes to
 * `err`; returns the exit code (1 when any finding is a warning or error, or any unused suppression is given).
 */
export function runCheck(
  analyses: FileAnalysis[],
  format: string,
  out: (text: string) => void,
  err: (text: string) => void,
  unused: UnusedInFile[] = [],
): number {
  const reporter = reporterFor(isCheckFormat(format) ? format : 'text', out, { reportUnused: unused.length > 0 });
  const totals: CheckTotals = { files: analyses.length, models: 0, warnings: 0, others: 0, unused: unused.length, fixed: -1 };
  for (const analysis of analyses) {
    const file = analysis.graph.path;
    for (const note of analysis.graph.notes) {
      err(`${file}: note: ${note}\n`);
    }
    const findings = analysis.advice.findings;
    totals.models += analysis.graph.models.length;
    totals.warnings += findings.filter((finding) => atWarningLevel(finding.severity)).length;
    totals.others += findings.filter((finding) => !atWarningLevel(finding.severity)).length;
    reporter.file({ file, analysis, unused: unused.filter((entry) => entry.file === file) });
  }
  reporter.end(totals);
  return totals.warnings > 0 || totals.unused > 0 ? 1 : 0;
}
