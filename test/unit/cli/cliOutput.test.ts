/**
 * `check`'s output options: `--statistics` (text and JSON), `--output-format github` (workflow
 * annotations), `json-lines`, `--quiet` and `--exit-zero`.
 */
import * as assert from 'node:assert/strict';
import { ensureCliBuilt, runCli, type Run } from '../support/cli';

function cli(...args: string[]): Run {
  return runCli(args, 60_000);
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
  fix: unknown;
}

/** GitHub's workflow command syntax for annotations: `::level key=value,…::message`, values escaped. */
const ANNOTATION =
  /^::(error|warning|notice) ((?:file|line|col|endLine|endColumn|title)=[^,:\r\n]*(?:,(?:file|line|col|endLine|endColumn|title)=[^,:\r\n]*)*)::(.+)$/;

describe('CLI check output options', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);
  let findings: JsonFinding[];
  before(() => {
    findings = (JSON.parse(cli('check', 'examples', '--output-format', 'json').stdout) as { findings: JsonFinding[] }).findings;
  });

  it('--statistics prints one line per rule with its count, most first, [*] when fixable', () => {
    const run = cli('check', 'examples', '--statistics');
    assert.equal(run.status, 1, run.stderr);
    const rows = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => /^\s*(\d+)\t([\w-]+)\s*\t(\[\*\]|\[ \]) (.+)$/.exec(line));
    assert.ok(
      rows.every((row) => row !== null),
      run.stdout,
    );
    const counts = new Map<string, number>();
    findings.forEach((finding) => counts.set(finding.rule, (counts.get(finding.rule) ?? 0) + 1));
    assert.deepEqual(new Map(rows.map((row) => [row![2]!, Number(row![1])])), counts);
    const numbers = rows.map((row) => Number(row![1]));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => b - a),
      'most first',
    );
    for (const row of rows) {
      assert.equal(
        row![3] === '[*]',
        findings.some((finding) => finding.rule === row![2] && finding.fix !== null),
        row![0],
      );
    }
  });

  it('--statistics --output-format json is an array of {code, title, count, fixable}', () => {
    const rows = JSON.parse(cli('check', 'examples', '--statistics', '--output-format', 'json').stdout) as { code: string; count: number; fixable: number }[];
    assert.equal(
      rows.reduce((sum, row) => sum + row.count, 0),
      findings.length,
    );
    assert.ok(rows.every((row) => row.fixable <= row.count));
  });

  it('--output-format github prints one annotation per finding in GitHub workflow syntax', () => {
    const run = cli('check', 'examples', '--output-format', 'github');
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, findings.length, 'one annotation per finding, nothing else');
    lines.forEach((line, index) => {
      const match = ANNOTATION.exec(line);
      assert.ok(match, `annotation syntax: ${line}`);
      const properties = new Map(match[2]!.split(',').map((pair) => pair.split('=') as [string, string]));
      const finding = findings[index]!;
      assert.equal(match[1], finding.severity === 'warning' ? 'warning' : finding.severity === 'error' ? 'error' : 'notice');
      assert.equal(properties.get('file'), finding.file.replace(/\\/g, '/'));
      assert.equal(properties.get('line'), String(finding.line));
      assert.equal(properties.get('col'), String(finding.column));
      assert.equal(properties.get('title'), `Init Lens (${finding.rule})`);
      assert.ok(match[3]!.endsWith(`${finding.rule} ${finding.message}`), match[3]);
    });
  });

  it('--output-format json-lines prints the JSON findings one per line', () => {
    const run = cli('check', 'examples', '--output-format', 'json-lines');
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as JsonFinding),
      findings,
    );
  });

  it('--quiet leaves out the summary; --exit-zero exits 0 with findings', () => {
    const quiet = cli('check', 'examples', '-q');
    assert.equal(quiet.status, 1);
    assert.equal(quiet.stdout.trimEnd().split('\n').length, findings.length);
    assert.ok(!/ files, /.test(quiet.stdout));
    const zero = cli('check', 'examples', '--exit-zero');
    assert.equal(zero.status, 0, zero.stderr);
    assert.match(zero.stdout, /[1-9]\d* warnings/);
  });
});
