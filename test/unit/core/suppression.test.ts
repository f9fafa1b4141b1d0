/** Suppression comments: which comments are directives, which findings they silence, and which silence nothing. */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { lintAnalysis } from '../../../src/core/lint';
import { commentsOf } from '../../../src/core/python/comments';
import { directivesIn, suppressionDirectives } from '../../../src/core/suppression';
import { loadGrammar } from '../support/python';
import { FC1, FC2, FC2_END, GRU, suppressionModel } from '../support/suppressionModel';

/** The reported findings of `text` as `rule@line` (0-based lines), and the unused directives' codes. */
function lint(text: string): { reported: string[]; unused: string[] } {
  const linted = lintAnalysis(analyzeFile(text, 'model.py'), text, {});
  return {
    reported: linted.analysis.advice.findings.map((f) => `${f.rule}@${f.range.start.line}`),
    unused: linted.unused.map((u) => `${u.directive.line}:${u.codes.join(',') || '*'}`),
  };
}

const comment = (text: string, ownLine = false) => ({ line: 3, column: 10, text, ownLine });

describe('suppression comments', () => {
  before(loadGrammar);

  it('parses init-lens and noqa directives, with and without codes, several in one comment', () => {
    assert.deepEqual(
      directivesIn(comment('# init-lens: ignore[init-relu, init-gain]')).map((d) => d.codes),
      [['init-relu', 'init-gain']],
    );
    assert.deepEqual(
      directivesIn(comment('# init-lens: ignore')).map((d) => [d.kind, d.codes]),
      [['ignore', null]],
    );
    assert.deepEqual(
      directivesIn(comment('# hidden  # init-lens: ignore[init-relu]')).map((d) => [d.codes, d.column]),
      [[['init-relu'], 20]],
    );
    assert.deepEqual(
      directivesIn(comment('# noqa: E501, init-relu')).map((d) => [d.kind, d.codes]),
      [['noqa', ['e501', 'init-relu']]],
    );
    assert.deepEqual(
      directivesIn(comment('# noqa')).map((d) => d.codes),
      [null],
    );
    // Ruff reads the codes at the head of the list only; words after them are an explanation.
    assert.deepEqual(
      directivesIn(comment('# noqa: init-gain deliberate DiT init')).map((d) => d.codes),
      [['init-gain']],
    );
  });

  it('takes no malformed or look-alike comment for a directive', () => {
    for (const text of ['# init-lens: ignore[]', '# noqa:', '# init-lens: ignored', '# noqa123', '# init-lens ignore', '# see init-lens docs']) {
      assert.deepEqual(directivesIn(comment(text)), [], text);
    }
  });

  it('reads comments from the syntax tree: a directive inside a string literal is no comment', () => {
    const text = ['x = "# init-lens: ignore"', "y = '''", '# noqa', "'''  # noqa: init-relu", 'z = 1  # init-lens: ignore[init-gain]', ''].join('\n');
    const directives = suppressionDirectives(commentsOf(text));
    assert.deepEqual(
      directives.map((d) => [d.kind, d.line, d.codes]),
      [
        ['noqa', 3, ['init-relu']],
        ['ignore', 4, ['init-gain']],
      ],
    );
  });

  it('finds every finding of the model unsuppressed when there is no comment', () => {
    assert.deepEqual(lint(suppressionModel()).reported, [`init-relu@${FC1}`, `init-relu@${FC2}`, `init-recurrent@${GRU}`]);
  });

  it('silences the named rule on the finding line, and only that rule', () => {
    const text = suppressionModel({ [FC1]: '        self.fc1 = nn.Linear(512, 512)  # init-lens: ignore[init-relu]' });
    assert.deepEqual(lint(text).reported, [`init-relu@${FC2}`, `init-recurrent@${GRU}`]);
    const other = suppressionModel({ [FC1]: '        self.fc1 = nn.Linear(512, 512)  # init-lens: ignore[init-gain]' });
    assert.deepEqual(lint(other).reported, [`init-relu@${FC1}`, `init-relu@${FC2}`, `init-recurrent@${GRU}`]);
    assert.deepEqual(lint(other).unused, [`${FC1}:init-gain`]);
  });

  it('takes an init-lens comment alone on the line above, but not a trailing one there', () => {
    const lines = suppressionModel().split('\n');
    lines.splice(GRU, 0, '        # deliberate: the GRU keeps PyTorch defaults  # init-lens: ignore');
    assert.deepEqual(lint(lines.join('\n')).reported, [`init-relu@${FC1}`, `init-relu@${FC2}`]);
    const trailing = suppressionModel({ [GRU - 1]: '        self.out = nn.Linear(512, 10)  # init-lens: ignore' });
    assert.deepEqual(lint(trailing).reported, [`init-relu@${FC1}`, `init-relu@${FC2}`, `init-recurrent@${GRU}`]);
  });

  it('counts a comment on any line of a call that spans several lines', () => {
    const last = suppressionModel({ [FC2_END]: '            512, 512)  # init-lens: ignore[init-relu]' });
    assert.deepEqual(lint(last).reported, [`init-relu@${FC1}`, `init-recurrent@${GRU}`]);
    const first = suppressionModel({ [FC2]: '        self.fc2 = nn.Linear(  # noqa: init-relu' });
    assert.deepEqual(lint(first).reported, [`init-relu@${FC1}`, `init-recurrent@${GRU}`]);
  });

  it("honours noqa with our codes and a bare noqa, on the finding's lines only; other tools' codes are theirs", () => {
    const bare = suppressionModel({ [GRU]: '        self.rnn = nn.GRU(4, 4)  # noqa' });
    assert.deepEqual(lint(bare).reported, [`init-relu@${FC1}`, `init-relu@${FC2}`]);
    const external = suppressionModel({ [GRU]: '        self.rnn = nn.GRU(4, 4)  # noqa: E501' });
    assert.equal(lint(external).reported.length, 3);
    assert.deepEqual(lint(external).unused, [], 'a noqa for another tool is not reported as unused');
    const noqaLines = suppressionModel().split('\n');
    noqaLines.splice(FC1, 0, '        # noqa: init-relu');
    const aboveNoqa = noqaLines.join('\n');
    assert.ok(lint(aboveNoqa).reported.includes(`init-relu@${FC1 + 1}`), 'noqa does not reach the line below, as in Ruff');
  });

  it('reports unused directives and unknown codes', () => {
    const text = suppressionModel({ 2: 'x = 1  # init-lens: ignore', 3: 'y = 2  # noqa: init-nope, init-relu' });
    const linted = lintAnalysis(analyzeFile(text, 'model.py'), text, {});
    assert.deepEqual(
      linted.unused.map((u) => [u.directive.line, u.codes, u.unknown]),
      [
        [2, [], []],
        [3, ['init-nope', 'init-relu'], ['init-nope']],
      ],
    );
  });

  it('applies rule levels before comments: a rule that is off leaves its directive unused', () => {
    const text = suppressionModel({ [GRU]: '        self.rnn = nn.GRU(4, 4)  # init-lens: ignore[init-recurrent]' });
    const linted = lintAnalysis(analyzeFile(text, 'model.py'), text, { 'init-recurrent': 'off', 'init-relu': 'error' });
    assert.deepEqual(
      linted.analysis.advice.findings.map((f) => f.severity),
      ['error', 'error'],
    );
    assert.equal(linted.unused.length, 1);
  });
});
