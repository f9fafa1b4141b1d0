/**
 * Fixes on files whose line breaks are lone CRs (old Mac): the analysis reads a lone CR as a line
 * break, so a fix must count lines the same way. For every fixture of each framework, the fix on
 * the CR file is the fix on the LF file with its line breaks as CRs, the fixed file parses, and
 * re-analysed its finding is gone.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findingCovers } from '../../../src/core/advice/findingsByRange';
import { analyzeFile } from '../../../src/core/engine';
import { parsePython } from '../../../src/core/python/parser';
import { applyEdits } from '../support/edits';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

/** Parses as the analysis does (a lone CR read as LF). */
function parses(text: string): boolean {
  const tree = parsePython(text.replace(/\r(?!\n)/g, '\n'))!;
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

describe('fixes on files with lone CR line breaks', function () {
  this.timeout(120_000);
  before(loadGrammar);

  for (const framework of ['pytorch', 'keras', 'flax']) {
    it(`${framework}: every fix equals the LF fix, parses and clears its finding`, () => {
      const names = fs
        .readdirSync(path.join(FIXTURES, framework))
        .filter((f) => f.endsWith('.py'))
        .sort();
      let checked = 0;
      for (const name of names) {
        const lf = fs.readFileSync(path.join(FIXTURES, framework, name), 'utf8');
        if (lf.includes('\r')) {
          continue;
        }
        const cr = lf.replace(/\n/g, '\r');
        const lfFindings = analyzeFile(lf, name).advice.findings.filter((f) => f.fix);
        const crFindings = analyzeFile(cr, name).advice.findings.filter((f) => f.fix);
        assert.equal(crFindings.length, lfFindings.length, `${name}: as many fixes with CR as with LF`);
        crFindings.forEach((finding, index) => {
          const where = `${name}: ${finding.rule} on ${finding.model}.${finding.layer}`;
          const fixed = applyEdits(cr, finding.fix!.edits);
          assert.equal(fixed, applyEdits(lf, lfFindings[index]!.fix!.edits).replace(/\n/g, '\r'), `${where}: same fix as with LF`);
          assert.ok(!fixed.includes('\n'), `${where}: no LF added to a CR file`);
          // Re-analysing is the slow part: the first fixes of each file are enough for that.
          if (index < 2) {
            assert.ok(parses(fixed), `${where}: the fixed file parses`);
            const after = analyzeFile(fixed, name).advice.findings;
            assert.ok(
              !after.some((f) => f.model === finding.model && f.layer === finding.layer && f.rule === finding.rule),
              `${where}: the finding is gone after the fix`,
            );
          }
          checked++;
        });
      }
      assert.ok(checked >= 5, `${framework}: only ${checked} fixes checked`);
    });
  }

  it('keras: a call with one argument per line gets its keyword on a new line of its own (it went into another line before)', () => {
    const text = [
      'import keras',
      'from keras import layers',
      'x = keras.Input((128,))',
      'h = x',
      'for _ in range(4):',
      '    h = layers.Dense(',
      '        128,',
      '        activation="relu",',
      '    )(h)',
      'out = layers.Dense(10)(h)',
      'model = keras.Model(x, out)',
      '',
    ].join('\r');
    const finding = analyzeFile(text, 'stack.py').advice.findings.find((f) => findingCovers(f, undefined, 'dense_1') && f.fix);
    assert.ok(finding, 'a fix for dense_1');
    const fixed = applyEdits(text, finding.fix!.edits);
    assert.ok(fixed.includes('        activation="relu",\r        kernel_initializer="he_normal",\r    )(h)'), JSON.stringify(fixed));
    assert.ok(parses(fixed));
  });
});
