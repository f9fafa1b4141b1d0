/**
 * The Python-semantics corpus (test/fixtures/python-corpus/*.txt), in tree-sitter corpus style:
 *
 *   ================
 *   title
 *   ================
 *   code
 *   ----------------
 *   expected layers, one a line, in build order: `[attr: ]Layer(args)[ -> relu][ [uncertain]][ [*]]`
 *   (consecutive equal lines as `line ×n`), then `note: …` lines (line numbers of the code).
 *
 * The code is written against framework-neutral names — `Layer(n)` builds a layer, `layer(x)`
 * applies it, `relu(x)`, `Input()`, base class `Module` (called through `forward`), module `toy` —
 * which a per-framework prelude binds. Phase 1 runs it through the toy framework with the prelude
 * `from toy import *`; each real framework will bring its own prelude (and its own expected
 * spelling of the result) so that one construct keeps one structure in every framework.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGrammar } from '../support/python';
import { collapseRepeats, CORPUS_DIR, noteLines, parseCorpus } from '../support/pythonCorpus';
import { run } from './evalHarness';

const PRELUDE = 'from toy import *\n';

/** The toy result of a case in the corpus's expected form. */
function actual(code: string): string {
  const { toy, ev } = run(PRELUDE + code);
  const lines = [...collapseRepeats(toy.describe()), ...noteLines(ev.notes, PRELUDE)];
  return lines.join('\n');
}

describe('Python-semantics corpus (toy framework)', () => {
  before(loadGrammar);
  const files = readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.txt'));

  it('has cases', () => {
    assert.ok(files.length >= 3);
  });

  for (const file of files) {
    describe(file, () => {
      for (const testCase of parseCorpus(readFileSync(join(CORPUS_DIR, file), 'utf8'))) {
        it(testCase.title, () => {
          assert.equal(actual(testCase.code), testCase.expected);
        });
      }
    });
  }
});
