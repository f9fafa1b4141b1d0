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
import { CORPUS_DIR, parseCorpus } from '../support/pythonCorpus';
import { run } from './evalHarness';

const PRELUDE = 'from toy import *\n';

/** The toy result of a case in the corpus's expected form. */
function actual(code: string): string {
  const { toy, ev } = run(PRELUDE + code);
  const lines: string[] = [];
  for (const line of toy.describe()) {
    const last = lines[lines.length - 1];
    const match = last?.match(/^(.*) ×(\d+)$/);
    if (last === line) {
      lines[lines.length - 1] = `${line} ×2`;
    } else if (match && match[1] === line) {
      lines[lines.length - 1] = `${line} ×${Number(match[2]) + 1}`;
    } else {
      lines.push(line);
    }
  }
  // Notes name lines of the whole text: shift them to the case's own lines.
  const shift = PRELUDE.split('\n').length - 1;
  for (const note of ev.notes) {
    lines.push(`note: ${note.replace(/^line (\d+):/, (_, n: string) => `line ${Number(n) - shift}:`)}`);
  }
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
