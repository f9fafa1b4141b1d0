/**
 * `init-lens check`: findings as linter lines, JSON, or SARIF 2.1.0 for code-scanning uploads.
 */
import * as path from 'node:path';
import { DEFAULT_ADVICE_OPTIONS } from '../core/advice/advise';
import { DOCS_URL, RULE_LIST, ruleDocUrl, type RuleInfo } from '../core/advice/rules';
import type { Finding, Severity } from '../core/advice/types';
import type { FileAnalysis } from '../core/engine';

/** Where the rules are documented as a whole (SARIF `informationUri`). */
const RULES_URL = `${DOCS_URL}#rules`;

/** Prints the findings in the format asked for; returns the exit code (1 when any is a warning). */
export function runCheck(analyses: FileAnalysis[], format: string, out: (text: string) => void, err: (text: string) => void): number {
  const findings = analyses.flatMap((analysis) => analysis.advice.findings.map((finding) => ({ file: analysis.graph.path, finding })));
  for (const analysis of analyses) {
    for (const note of analysis.graph.notes) {
      err(`${analysis.graph.path}: note: ${note}\n`);
    }
  }
  if (format === 'json') {
    out(`${JSON.stringify({ findings: findings.map(({ file, finding }) => findingJson(file, finding)) }, null, 2)}\n`);
  } else if (format === 'sarif') {
    out(`${JSON.stringify(sarif(findings), null, 2)}\n`);
  } else {
    for (const { file, finding } of findings) {
      out(`${file}:${finding.range.start.line + 1}:${finding.range.start.column + 1}: ${finding.severity} ${finding.rule}: ${finding.message}\n`);
    }
    const warnings = findings.filter(({ finding }) => atWarningLevel(finding.severity)).length;
    out(
      `${analyses.length} files, ${analyses.reduce((n, a) => n + a.graph.models.length, 0)} models, ${warnings} warnings, ${findings.length - warnings} other findings\n`,
    );
  }
  return findings.some(({ finding }) => atWarningLevel(finding.severity)) ? 1 : 0;
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

function sarif(findings: { file: string; finding: Finding }[]) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Init Lens',
            informationUri: RULES_URL,
            rules: RULE_LIST.map(sarifRule),
          },
        },
        results: findings.map(({ file, finding }) => ({
          ruleId: finding.rule,
          ruleIndex: RULE_LIST.findIndex((rule) => rule.code === finding.rule),
          level: sarifLevel(finding.severity),
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: file.split(path.sep).join('/') },
                region: {
                  startLine: finding.range.start.line + 1,
                  startColumn: finding.range.start.column + 1,
                  endLine: finding.range.end.line + 1,
                  endColumn: finding.range.end.column + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}
