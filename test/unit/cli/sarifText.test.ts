import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { sarifReporter, sarifText } from '../../../src/node/report/sarifReporter';
import { loadGrammar } from '../support/python';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('SARIF message text', () => {
  before(loadGrammar);

  it('escapes brackets and backslashes, so source text never reads as an embedded link (§3.11.6)', () => {
    assert.equal(sarifText('layer [click](0) of a\\b'), 'layer \\[click\\](0) of a\\\\b');
    assert.equal(sarifText('no brackets here'), 'no brackets here');
  });

  it('a finding whose message holds `[text](n)` from the source comes out escaped', () => {
    const file = 'examples/mlp_default_init.py';
    const analysis = analyzeFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), file);
    const [first] = analysis.advice.findings;
    assert.ok(first, 'the example has a finding');
    const crafted = { ...first, message: `${first.message} on self.layers["[evil](0)"]` };
    let out = '';
    const reporter = sarifReporter((text) => (out += text), false);
    reporter.file({ file, analysis: { ...analysis, advice: { ...analysis.advice, findings: [crafted] } }, unused: [] });
    reporter.end({ files: 1, models: 1, warnings: 1, others: 0, unused: 0, fixed: -1 });
    const log = JSON.parse(out) as { runs: { results: { message: { text: string } }[] }[] };
    const text = log.runs[0]!.results[0]!.message.text;
    assert.ok(text.endsWith('self.layers\\["\\[evil\\](0)"\\]'), text);
    assert.doesNotMatch(text, /(^|[^\\])\[[^\]]*\]\(\d+\)/, 'no unescaped embedded link');
  });
});
