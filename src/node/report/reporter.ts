/**
 * What `check` hands its output formats: one file's result as soon as that file is done, then
 * the run's totals. A format writes what it can at once and keeps at most small per-finding
 * records (SARIF, statistics), never analyses, so memory does not grow with the files' size.
 */
import type { FileAnalysis } from '../../core/engine';
import type { UnusedSuppression } from '../../core/suppression';

/** A suppression comment of a file that silenced nothing. */
export interface UnusedInFile {
  file: string;
  unused: UnusedSuppression;
}

/** One checked file: its analysis (findings already leveled and filtered) and its unused suppressions. */
export interface FileResult {
  file: string;
  analysis: FileAnalysis;
  unused: UnusedInFile[];
}

/** The totals of a run, for the closing summary. */
export interface CheckTotals {
  files: number;
  models: number;
  /** Findings at warning or error level. */
  warnings: number;
  /** Findings below warning level. */
  others: number;
  unused: number;
  /** Findings `--fix` cleared, or -1 when not fixing. */
  fixed: number;
}

/** An output format of `check`. */
export interface CheckReporter {
  /** Called once per file, in order, as soon as the file is checked. */
  file(result: FileResult): void;
  /** Called once at the end. */
  end(totals: CheckTotals): void;
}

/** True for the severities that fail the run. */
export function atWarningLevel(severity: string): boolean {
  return severity === 'warning' || severity === 'error';
}
