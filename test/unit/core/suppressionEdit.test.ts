/** The "Ignore <rule> on this line" edit: appended after code or an existing comment, merged into an ignore list, never into a string. */
import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/advice/types';
import { analyzeFile } from '../../../src/core/engine';
import { lintAnalysis } from '../../../src/core/lint';
import { ignoreRuleEdit } from '../../../src/core/suppressionEdit';
import { LineTable } from '../../../src/core/python/lines';
import { loadGrammar } from '../support/python';
import { FC1, FC2, FC2_END, GRU, suppressionModel } from '../support/suppressionModel';

/** Applies the ignore edit for the first finding on `line` and returns the new text. */
function ignoreOn(text: string, line: number): string {
  const finding = analyzeFile(text, 'model.py').advice.findings.find((f: Finding) => f.range.start.line === line)!;
  const edit = ignoreRuleEdit(text, finding);
  assert.ok(edit, 'an edit');
  const lines = new LineTable(text);
  return text.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + text.slice(lines.offsetAt(edit.range.end));
}

/** The findings still reported in `text`, as `rule@line`. */
const reported = (text: string) => lintAnalysis(analyzeFile(text, 'model.py'), text, {}).analysis.advice.findings.map((f) => `${f.rule}@${f.range.start.line}`);

describe('the ignore-on-this-line edit', () => {
  before(loadGrammar);

  it('appends the comment at the end of the line, and the finding goes away', () => {
    const text = ignoreOn(suppressionModel(), FC1);
    assert.equal(text.split('\n')[FC1], '        self.fc1 = nn.Linear(512, 512)  # init-lens: ignore[init-relu]');
    assert.deepEqual(reported(text), [`init-relu@${FC2}`, `init-recurrent@${GRU}`]);
  });

  it('keeps an existing comment, as Ruff does, and keeps CRLF line endings', () => {
    const text = suppressionModel({ [GRU]: '        self.rnn = nn.GRU(4, 4)  # hidden   ' }).replace(/\n/g, '\r\n');
    const edited = ignoreOn(text, GRU);
    assert.equal(edited.split('\r\n')[GRU], '        self.rnn = nn.GRU(4, 4)  # hidden  # init-lens: ignore[init-recurrent]');
    assert.equal(edited.split('\r\n').length, text.split('\r\n').length);
    assert.ok(!/[^\r]\n/.test(edited), 'every line still ends in CRLF');
  });

  it('adds the code to an ignore list already on the line', () => {
    const text = suppressionModel({ [FC1]: '        self.fc1 = nn.Linear(512, 512)  # init-lens: ignore[init-gain]' });
    assert.equal(ignoreOn(text, FC1).split('\n')[FC1], '        self.fc1 = nn.Linear(512, 512)  # init-lens: ignore[init-gain, init-relu]');
  });

  it('puts the comment on the first line of a call over several lines', () => {
    const edited = ignoreOn(suppressionModel(), FC2);
    assert.equal(edited.split('\n')[FC2], '        self.fc2 = nn.Linear(  # init-lens: ignore[init-relu]');
    assert.equal(edited.split('\n')[FC2_END], '            512, 512)');
  });

  it('does not put a comment after a backslash or inside a string: the last line of the call takes it', () => {
    const finding = (lastLine: number) => ({ rule: 'init-relu', range: { start: { line: 0, column: 4 }, end: { line: lastLine, column: 8 } } }) as Finding;
    const backslash = ['x = nn.Linear(512, \\', '    512)', ''].join('\n');
    assert.deepEqual(ignoreRuleEdit(backslash, finding(1))?.range.start, { line: 1, column: 8 });
    const string = ['x = nn.Linear(4, 4, name="""a', 'b""")', ''].join('\n');
    assert.deepEqual(ignoreRuleEdit(string, finding(1))?.range.start, { line: 1, column: 5 });
    const neither = ['x = nn.Linear(4, 4, name="""a', 'b""", \\', ')', ''].join('\n');
    assert.equal(ignoreRuleEdit(neither, finding(1)), null, 'no line of the finding can take a comment');
  });
});
