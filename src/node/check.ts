/**
 * `init-lens check`: findings as linter lines, JSON, or SARIF 2.1.0 for code-scanning uploads.
 */
import * as path from 'node:path';
import type { Finding } from '../core/advice/types';
import type { FileAnalysis } from '../core/engine';

const RULE_HELP = 'https://github.com/init-lens/init-lens#rules';

/** Rule descriptions for SARIF and the README. */
export const RULES: Record<string, string> = {
  'init-relu': 'ReLU-family activation after a weight whose init is not He/Kaiming (leaky slope respected).',
  'init-tanh-sigmoid': "tanh/sigmoid activation after a weight whose init is not Xavier/Glorot with PyTorch's gain.",
  'init-selu': 'SELU activation after a weight whose init is not LeCun normal.',
  'init-gain': 'Activation with no PyTorch gain (GELU, SiLU, Mish, ELU, …) after a weight whose variance does not match the gain computed by quadrature.',
  'init-recurrent': 'Recurrent (hidden-to-hidden) weights that are not orthogonal.',
  'init-residual': 'Residual branch ends whose scale is not reduced for depth (GPT-2 scaled init, zero-init last norm).',
};

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

function sarif(findings: { file: string; finding: Finding }[]) {
  const level = (severity: string) => (severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Init Lens',
            informationUri: RULE_HELP,
            rules: Object.entries(RULES).map(([id, text]) => ({ id, shortDescription: { text }, helpUri: `${RULE_HELP}-${id}` })),
          },
        },
        results: findings.map(({ file, finding }) => ({
          ruleId: finding.rule,
          level: level(finding.severity),
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
