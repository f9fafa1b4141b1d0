/**
 * Incremental re-parsing per document: after any sequence of edits the kept tree is the tree a
 * full parse gives, and the analysis of the kept tree is the analysis of the text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeText } from '../../../src/core/analyze';
import { DocumentTrees, editBetween } from '../../../src/core/python/documentTrees';
import { parsePython } from '../../../src/core/python/parser';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'pytorch');

function fullTreeString(text: string): string {
  const tree = parsePython(text)!;
  try {
    return tree.rootNode.toString();
  } finally {
    tree.delete();
  }
}

describe('DocumentTrees', () => {
  before(loadGrammar);

  it('editBetween finds the single changed span and its rows and columns', () => {
    const edit = editBetween('ab\ncd\nef', 'ab\ncXd\nef')!;
    assert.deepEqual([edit.startIndex, edit.oldEndIndex, edit.newEndIndex], [4, 4, 5]);
    assert.deepEqual(edit.startPosition, { row: 1, column: 1 });
    assert.deepEqual(edit.newEndPosition, { row: 1, column: 2 });
    assert.equal(editBetween('same', 'same'), undefined);
  });

  it('keeps a tree equal to a full parse through random edits of real model files', () => {
    const files = fs
      .readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.py'))
      .slice(0, 6);
    const texts = files.map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: texts.length - 1 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(6), fc.constantFrom('', 'x', '(', ')', ':', '\n', '    ', 'nn.Linear(3, 4)')), {
          minLength: 1,
          maxLength: 8,
        }),
        (index, edits) => {
          const trees = new DocumentTrees();
          try {
            let text = texts[index]!;
            trees.update('doc', text);
            for (const [where, removed, inserted] of edits) {
              const at = Math.floor(where * text.length);
              text = text.slice(0, at) + inserted + text.slice(Math.min(text.length, at + removed));
              const tree = trees.update('doc', text)!;
              assert.equal(tree.rootNode.toString(), fullTreeString(text));
            }
          } finally {
            trees.dispose();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives analyzeText the same graph with the kept tree as without it, and leaves the tree alive', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'gpt2_nanogpt.py'), 'utf8');
    const trees = new DocumentTrees();
    const edited = text.replace('n_layer: int = 4', 'n_layer: int = 3');
    trees.update('gpt', text);
    const tree = trees.update('gpt', edited)!;
    assert.deepEqual(analyzeText(edited, 'gpt.py', { tree }), analyzeText(edited, 'gpt.py'));
    assert.ok(tree.rootNode.childCount > 0, 'the kept tree is still usable');
    trees.close('gpt');
    assert.equal(trees.size, 0);
  });
});
