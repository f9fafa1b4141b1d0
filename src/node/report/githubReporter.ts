/**
 * `--output-format github`: GitHub Actions workflow commands, one per finding, written as each
 * file is done, so a workflow step annotates the pull request's lines:
 *   ::warning file=models/mlp.py,line=8,col=9,endLine=8,endColumn=31,title=Init Lens (init-relu)::models/mlp.py:8:9: init-relu …
 * Warnings and errors keep their level; information and hints are `notice`s.
 */
import type { Severity } from '../../core/advice/types';
import type { Position } from '../../core/graph';
import { UNUSED_SUPPRESSION, unusedMessage } from './findingJson';
import type { CheckReporter } from './reporter';

/** A message escaped as a workflow command's data (`%`, CR and LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A value escaped as a workflow command's property (the data escapes, and `:` and `,`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** A severity as a workflow command. */
function command(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

/** One annotation line. */
function annotation(level: string, file: string, start: Position, end: Position, rule: string, message: string): string {
  const slashed = file.replace(/\\/g, '/');
  const properties = [
    `file=${escapeProperty(slashed)}`,
    `line=${start.line + 1}`,
    `col=${start.column + 1}`,
    `endLine=${end.line + 1}`,
    `endColumn=${end.column + 1}`,
    `title=${escapeProperty(`Init Lens (${rule})`)}`,
  ];
  return `::${level} ${properties.join(',')}::${escapeData(`${slashed}:${start.line + 1}:${start.column + 1}: ${rule} ${message}`)}\n`;
}

/** Workflow commands on `out`. */
export function githubReporter(out: (text: string) => void): CheckReporter {
  return {
    file(result) {
      let text = '';
      for (const finding of result.analysis.advice.findings) {
        text += annotation(command(finding.severity), result.file, finding.range.start, finding.range.end, finding.rule, finding.message);
      }
      for (const entry of result.unused) {
        const at = entry.unused.directive;
        text += annotation('warning', entry.file, at, at, UNUSED_SUPPRESSION, unusedMessage(entry));
      }
      if (text) {
        out(text);
      }
    },
    end() {
      // Every annotation was written with its file.
    },
  };
}
