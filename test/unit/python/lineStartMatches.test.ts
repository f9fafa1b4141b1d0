/**
 * lineStartMatches (src/core/python/lineStartMatches.ts) gives what `matchAll` gives for the
 * line-anchored import patterns the detectors and the import scan use, on random texts made of
 * import lines, indentation, continuations, comments and every line terminator JavaScript knows.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineStartMatches } from '../../../src/core/python/lineStartMatches';

/** The patterns of the callers, with the words each match starts with. */
const PATTERNS: [RegExp, string[]][] = [
  [/^[ \t]*(?:import\s+(torch(?:\.\w+)*)|from\s+(torch(?:\.\w+)*)\s+import\b)/gm, ['import', 'from']],
  [/^[ \t]*from\s+(\.*[\w.]*)\s+import\s+\(?([^\n)]*)/gm, ['from']],
  [/^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\\n)*)/gm, ['from']],
  [/^[ \t]*import[ \t]+((?:[^\n\\#]|\\\n)*)/gm, ['import']],
  [/^[ \t]*(import\s+(keras|tf_keras)\b|from\s+(keras|tf_keras)\b|(from|import)\s+tensorflow(\.python)?\.keras\b)/gm, ['import', 'from']],
];

const PIECES = [
  'import torch',
  'import torch.nn as nn',
  'from torch import nn',
  'from . import block',
  'from ..models import (A,\n    B)',
  'import os, sys \\\n  , math',
  'import keras',
  'from tensorflow.keras import layers',
  'x = 1  # import torch',
  '"""from torch import nn"""',
  'reimport torch',
  'fromage',
  'import',
  'from',
  '    ',
  '\t',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\\\n',
  '#',
  '(',
  ')',
];

const texts = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((pieces) => pieces.join(''));

const shape = (matches: RegExpMatchArray[]) => matches.map((match) => [match.index, ...match]);

describe('lineStartMatches', () => {
  it('finds what matchAll finds, for every pattern, on random texts', () => {
    fc.assert(
      fc.property(texts, (text) => {
        for (const [pattern, words] of PATTERNS) {
          const expected = shape([...text.matchAll(pattern)]);
          assert.deepEqual(shape(lineStartMatches(text, pattern, words)), expected, `${pattern} on ${JSON.stringify(text)}`);
          assert.deepEqual(shape(lineStartMatches(text, pattern, words, true)), expected.slice(0, 1));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('finds imports after each kind of line break, and none inside a line', () => {
    const text = 'x = 1\nimport a\r\n  import b\rimport c\u2028import d # import e\n';
    assert.deepEqual(
      lineStartMatches(text, /^[ \t]*import[ \t]+(\w+)/gm, ['import']).map((match) => match[1]),
      ['a', 'b', 'c', 'd'],
    );
  });
});
