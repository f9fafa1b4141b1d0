/**
 * `init-lens check`: findings as linter lines, JSON, or SARIF 2.1.0 for code-scanning uploads. With
 * `--report-unused-suppressions`, suppression comments that silence nothing are reported too (as
 * Ruff's RUF100 does), under the code `unused-suppression`, at warning level.
 */
import * as path from 'node:path';
import { DEFAULT_ADVICE_OPTIONS } from '../core/advice/advise';
import { DOCS_URL, RULE_LIST, ruleDocUrl, type RuleInfo } from '../core/advice/rules';
import type { Finding, Severity } from '../core/advice/types';
import type { FileAnalysis } from '../core/engine';
import type { UnusedSuppression } from '../core/suppression';

/** Where the rules are documented as a whole (SARIF `informationUri`). */
const RULES_URL = `${DOCS_URL}#rules`;

/** The code unused suppressions are reported under (not a rule of the registry: it checks comments, not models). */
export const UNUSED_SUPPRESSION = 'unused-suppression';

/** A suppression comment of a file that silenced nothing. */
export interface UnusedInFile {
  file: string;
  unused: UnusedSuppression;
}

/** The message for an unused suppression. */
function unusedMessage({ unused }: UnusedInFile): string {
  if (unused.codes.length === 0) {
    return 'unused suppression: no finding on its line to silence';
  }
  const unknown = unused.unknown.length > 0 ? `; not a rule of Init Lens: ${unused.unknown.join(', ')}` : '';
  return `unused suppression of ${unused.codes.join(', ')}: no such finding on its line${unknown}`;
}

/**
 * Prints the findings (and unused suppressions, when given) in the format asked for; returns the
 * exit code (1 when any finding is a warning or error, or any unused suppression is given).
 */
export function runCheck(
  analyses: FileAnalysis[],
  format: string,
  out: (text: string) => void,
  err: (text: string) => void,
  unused: UnusedInFile[] = [],
): number {
  const findings = analyses.flatMap((analysis) => analysis.advice.findings.map((finding) => ({ file: analysis.graph.path, finding })));
  for (const analysis of analyses) {
    for (const note of analysis.graph.notes) {
      err(`${analysis.graph.path}: note: ${note}\n`);
    }
  }
  if (format === 'json') {
    const json = {
      findings: findings.map(({ file, finding }) => findingJson(file, finding)),
      ...(unused.length > 0 ? { unusedSuppressions: unused.map(unusedJson) } : {}),
    };
    out(`${JSON.stringify(json, null, 2)}\n`);
  } else if (format === 'sarif') {
    out(`${JSON.stringify(sarif(findings, unused), null, 2)}\n`);
  } else {
    for (const { file, finding } of findings) {
      out(`${file}:${finding.range.start.line + 1}:${finding.range.start.column + 1}: ${finding.severity} ${finding.rule}: ${finding.message}\n`);
    }
    for (const entry of unused) {
      out(`${entry.file}:${entry.unused.directive.line + 1}:${entry.unused.directive.column + 1}: warning ${UNUSED_SUPPRESSION}: ${unusedMessage(entry)}\n`);
    }
    const warnings = findings.filter(({ finding }) => atWarningLevel(finding.severity)).length;
    const unusedCount = unused.length > 0 ? `, ${unused.length} unused suppressions` : '';
    out(
      `${analyses.length} files, ${analyses.reduce((n, a) => n + a.graph.models.length, 0)} models, ${warnings} warnings, ${findings.length - warnings} other findings${unusedCount}\n`,
    );
  }
  return findings.some(({ finding }) => atWarningLevel(finding.severity)) || unused.length > 0 ? 1 : 0;
}

function unusedJson(entry: UnusedInFile) {
  return {
    file: entry.file,
    line: entry.unused.directive.line + 1,
    column: entry.unused.directive.column + 1,
    rule: UNUSED_SUPPRESSION,
    directive: entry.unused.directive.kind,
    codes: entry.unused.codes,
    unknownCodes: entry.unused.unknown,
    message: unusedMessage(entry),
  };
}

function atWarningLevel(severity: string): boolean {
  return severity === 'warning' || severity === 'error';
}

function findingJson(file: string, finding: Finding) {
  return {
    file,
    line: finding.range.start.line + 1,
    column: finding.range.start.column + 1,
    rule: finding.rule,
    url: ruleDocUrl(finding.rule),
    severity: finding.severity,
    model: finding.model,
    layer: finding.layer,
    message: finding.message,
    numbers: {
      varianceNow: finding.signal.varianceNow,
      varianceWanted: finding.signal.varianceWanted,
      forwardFactor: finding.signal.forwardFactor,
      backwardFactor: finding.signal.backwardFactor,
      forwardDrift: finding.signal.forwardDrift,
      backwardDrift: finding.signal.backwardDrift,
      depth: finding.signal.depth,
    },
    recommendation: finding.signal.recommendation,
    fix: finding.fix,
  };
}

/** A finding's severity as a SARIF level. */
function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** A rule as a SARIF reportingDescriptor; its default level is the CLI's severity for its class. */
function sarifRule(rule: RuleInfo) {
  const defaultSeverity = rule.severityClass === 'mismatch' ? DEFAULT_ADVICE_OPTIONS.mismatchSeverity : DEFAULT_ADVICE_OPTIONS.minorSeverity;
  const help = `${rule.docs.whatItDoes}\n\nWhy is this bad? ${rule.docs.whyIsThisBad}\n\nSource: ${rule.source}`;
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.whatItDoes },
    help: { text: help, markdown: `${help}\n\n[Documentation](${ruleDocUrl(rule.code)})` },
    helpUri: ruleDocUrl(rule.code),
    defaultConfiguration: { level: sarifLevel(defaultSeverity) },
  };
}

/** Where a result is, as SARIF says it. */
function sarifLocation(file: string, start: { line: number; column: number }, end: { line: number; column: number }) {
  return {
    physicalLocation: {
      artifactLocation: { uri: file.split(path.sep).join('/') },
      region: { startLine: start.line + 1, startColumn: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1 },
    },
  };
}

const UNUSED_RULE = {
  id: UNUSED_SUPPRESSION,
  name: 'UnusedSuppression',
  shortDescription: { text: 'A suppression comment that silences no finding' },
  defaultConfiguration: { level: 'warning' },
};

function sarif(findings: { file: string; finding: Finding }[], unused: UnusedInFile[]) {
  const unusedResults = unused.map((entry) => ({
    ruleId: UNUSED_SUPPRESSION,
    ruleIndex: RULE_LIST.length,
    level: 'warning' as const,
    message: { text: unusedMessage(entry) },
    locations: [sarifLocation(entry.file, entry.unused.directive, entry.unused.directive)],
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Init Lens',
            informationUri: RULES_URL,
            rules: [...RULE_LIST.map(sarifRule), ...(unused.length > 0 ? [UNUSED_RULE] : [])],
          },
        },
        results: findings
          .map(({ file, finding }) => ({
            ruleId: finding.rule as string,
            ruleIndex: RULE_LIST.findIndex((rule) => rule.code === finding.rule),
            level: sarifLevel(finding.severity),
            message: { text: finding.message },
            locations: [sarifLocation(file, finding.range.start, finding.range.end)],
          }))
          .concat(unusedResults),
      },
    ],
  };
}
