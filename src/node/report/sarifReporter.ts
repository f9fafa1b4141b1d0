/**
 * `--output-format sarif`: SARIF 2.1.0 for code-scanning uploads, written as it goes: the log's
 * head (the tool and its rules) first, then each finding's result as its file is done, then the
 * results of unused suppressions (few, kept until the end) and the log's tail. The text is byte
 * for byte what `JSON.stringify(log, null, 2)` gives; the run never holds the log.
 */
import * as path from 'node:path';
import { DEFAULT_ADVICE_OPTIONS } from '../../core/advice/advise';
import { DOCS_URL, RULE_LIST, ruleDocUrl, type RuleInfo } from '../../core/advice/rules';
import type { Severity } from '../../core/advice/types';
import type { Position } from '../../core/graph';
import { UNUSED_SUPPRESSION, unusedMessage } from './findingJson';
import type { CheckReporter } from './reporter';

/** Where the rules are documented as a whole (SARIF `informationUri`). */
const RULES_URL = `${DOCS_URL}#rules`;

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

const UNUSED_RULE = {
  id: UNUSED_SUPPRESSION,
  name: 'UnusedSuppression',
  shortDescription: { text: 'A suppression comment that silences no finding' },
  defaultConfiguration: { level: 'warning' },
};

/**
 * Plain text for a SARIF message: `[text](n)` there is an embedded link (SARIF 2.1.0 §3.11.6), so
 * the brackets of source-derived text (layer names, arguments) are escaped with a backslash, and so
 * is a backslash itself, so that none can be read as a link or an escape.
 */
export function sarifText(text: string): string {
  return text.replace(/[\\[\]]/g, (char) => `\\${char}`);
}

/** One SARIF result, as kept until the end of the run. */
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: ReturnType<typeof sarifLocation>[];
}

/** Where a result is, as SARIF says it. */
function sarifLocation(file: string, start: Position, end: Position) {
  return {
    physicalLocation: {
      artifactLocation: { uri: file.split(path.sep).join('/') },
      region: { startLine: start.line + 1, startColumn: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1 },
    },
  };
}

/** `value` as an item of the results array (at depth 4 of a 2-space-indented document). */
function item(value: SarifResult): string {
  return `        ${JSON.stringify(value, null, 2).replace(/\n/g, '\n        ')}`;
}

/** The log's text around its results: what comes before the first result and after the last. */
function frame(withUnusedRule: boolean): { head: string; tail: string } {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Init Lens',
            informationUri: RULES_URL,
            rules: [...RULE_LIST.map(sarifRule), ...(withUnusedRule ? [UNUSED_RULE] : [])],
          },
        },
        results: [],
      },
    ],
  };
  const text = JSON.stringify(log, null, 2);
  const at = text.lastIndexOf('"results": []') + '"results": ['.length;
  return { head: text.slice(0, at), tail: text.slice(at + 1) };
}

/**
 * The SARIF log on `out`, written as files are done. `withUnusedRule`: whether unused
 * suppressions are reported, so that their rule is declared before any result.
 */
export function sarifReporter(out: (text: string) => void, withUnusedRule: boolean): CheckReporter {
  const { head, tail } = frame(withUnusedRule);
  const unusedResults: SarifResult[] = [];
  const ruleIndex = new Map(RULE_LIST.map((rule, index) => [rule.code as string, index]));
  let count = 0;
  const write = (result: SarifResult) => {
    out(`${count === 0 ? '\n' : ',\n'}${item(result)}`);
    count += 1;
  };
  out(head);
  return {
    file({ file, analysis, unused }) {
      for (const finding of analysis.advice.findings) {
        write({
          ruleId: finding.rule,
          ruleIndex: ruleIndex.get(finding.rule) ?? -1,
          level: sarifLevel(finding.severity),
          message: { text: sarifText(finding.message) },
          locations: [sarifLocation(file, finding.range.start, finding.range.end)],
        });
      }
      for (const entry of unused) {
        const at = entry.unused.directive;
        unusedResults.push({
          ruleId: UNUSED_SUPPRESSION,
          ruleIndex: RULE_LIST.length,
          level: 'warning',
          message: { text: sarifText(unusedMessage(entry)) },
          locations: [sarifLocation(entry.file, at, at)],
        });
      }
    },
    end() {
      unusedResults.forEach(write);
      out(`${count === 0 ? ']' : '\n      ]'}${tail}\n`);
    },
  };
}
