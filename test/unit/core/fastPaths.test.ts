/**
 * The latency fast paths must give exactly what the plain code gave. Each is checked against a
 * copy of the code it replaced, on random texts built from the tokens that matter to it:
 * `splitTopLevelBlocks` (block texts sliced from the file, lines without quotes skipped) and
 * framework detection (a substring test before the Flax and Keras regexes); `initPrefix` (read
 * from the import statements, python/importAliases.ts) keeps a memo of the last text, checked
 * against fresh answers.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { initPrefix } from '../../../src/core/frameworks/pytorch/fixes';
import { detectKeras } from '../../../src/core/frameworks/keras/detect';
import { ADAPTERS, FLAX_MODEL_SIGNS } from '../../../src/core/frameworks/registry';
import { splitTopLevelBlocks } from '../../../src/core/python/topLevel';

/** splitTopLevelBlocks as it was: blocks joined from split lines, every character of every line scanned. */
function referenceSplit(text: string): { text: string; startLine: number; startIndex: number }[] {
  const blocks: { text: string; startLine: number; startIndex: number }[] = [];
  const lines = text.split('\n');
  const inside: boolean[] = [];
  let open: string | null = null;
  let openedAt = -1;
  lines.forEach((line, index) => {
    inside.push(open !== null);
    let quote = open;
    let after: string | null | undefined;
    for (let i = 0; i < line.length && after === undefined; i++) {
      const c = line[i]!;
      if (quote === null && c === '#') {
        after = null;
      } else if (c === '"' || c === "'") {
        if (line.startsWith(c.repeat(3), i)) {
          quote = quote === null ? c.repeat(3) : quote === c.repeat(3) ? null : quote;
          i += 2;
        } else if (quote === null) {
          const close = line.indexOf(c, i + 1);
          if (close < 0) {
            after = null;
          } else {
            i = close;
          }
        }
      }
    }
    after = after === undefined ? quote : after;
    if (open === null && after !== null) {
      openedAt = index;
    }
    open = after;
  });
  if (open !== null) {
    inside.fill(false, openedAt + 1);
  }
  let start = 0;
  let startIndex = 0;
  let index = 0;
  let previousWasDecorator = false;
  for (let line = 0; line < lines.length; line++) {
    const content = lines[line]!;
    if (!inside[line] && line > start && /^[A-Za-z_@]/.test(content) && !previousWasDecorator && !/^(else|elif|except|finally)\b/.test(content)) {
      blocks.push({ text: lines.slice(start, line).join('\n'), startLine: start, startIndex });
      start = line;
      startIndex = index;
    }
    if (!inside[line] && /^\S/.test(content)) {
      previousWasDecorator = content.startsWith('@');
    }
    index += content.length + 1;
  }
  blocks.push({ text: lines.slice(start).join('\n'), startLine: start, startIndex });
  return blocks;
}

const textOf = (tokens: string[]) => fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((parts) => parts.join(''));

const IMPORT_TOKENS = [
  'import',
  'from',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  'torch',
  '.',
  'nn',
  'init',
  'as',
  ' as ',
  'x',
  ',',
  '(',
  '#',
  'torch.nn',
  'torch.nn.init',
  'import torch.nn.init as I',
  'from torch.nn import init',
  'from torch import nn as Q',
  'import torch.nn as nn',
];
const BLOCK_TOKENS = [
  '"""',
  "'''",
  '"',
  "'",
  '#',
  '\n',
  '\n\n',
  ' ',
  '    ',
  'class A:',
  'def f():',
  '@dec',
  'else:',
  'elif x:',
  'x = 1',
  '"s"',
  "'t'",
  'abc',
  '\r\n',
];
const DETECT_TOKENS = ['import ', 'from ', 'flax', 'keras', 'tf_keras', 'tensorflow', '.keras', '.python', 'torch', ' ', '\n', '\t', 'x', '.', 'linen'];

describe('latency fast paths give the plain answers', () => {
  it('initPrefix answers from its memo as it does afresh, with a fresh object, on random import texts', () => {
    fc.assert(
      fc.property(textOf(IMPORT_TOKENS), textOf(IMPORT_TOKENS), (text, other) => {
        const first = initPrefix(text);
        initPrefix(other);
        assert.deepEqual(initPrefix(text), first);
        // Asked twice (the memo), the answer is the same and a fresh object.
        initPrefix(text).prefix = 'changed.';
        assert.deepEqual(initPrefix(text), first);
      }),
      { numRuns: 3000 },
    );
  });

  it('initPrefix finds each kind of import (the cases the pre-tests must let through)', () => {
    assert.deepEqual(initPrefix('import torch\nimport torch.nn.init as I\n'), { prefix: 'I.', importLine: null });
    assert.deepEqual(initPrefix('from torch.nn import functional, init as ini\n'), { prefix: 'ini.', importLine: null });
    assert.deepEqual(initPrefix('  import torch.nn as tnn\n'), { prefix: 'tnn.init.', importLine: null });
    assert.deepEqual(initPrefix('from torch import nn as Q\n'), { prefix: 'Q.init.', importLine: null });
    assert.deepEqual(initPrefix('x = 1\n'), { prefix: 'torch.nn.init.', importLine: 'import torch' });
    // Any whitespace between the words, as the anchored regexes allow.
    assert.deepEqual(initPrefix('import\ttorch.nn.init  as  I\n'), { prefix: 'I.', importLine: null });
    assert.deepEqual(initPrefix('from  torch.nn\timport init\n'), { prefix: 'init.', importLine: null });
    assert.deepEqual(initPrefix('import  torch.nn\tas tnn\n'), { prefix: 'tnn.init.', importLine: null });
    assert.deepEqual(initPrefix('from\ttorch  import  nn\n'), { prefix: 'nn.init.', importLine: null });
    // Whole statements: parenthesised and continued imports, comments; a module alias alone does not bind `torch`.
    assert.deepEqual(initPrefix('from torch.nn import (\n    Linear,  # layers\n    init as I,\n)\n'), { prefix: 'I.', importLine: null });
    assert.deepEqual(initPrefix('from torch \\\n    import nn\n'), { prefix: 'nn.init.', importLine: null });
    assert.deepEqual(initPrefix('# import torch.nn as nn\nimport torch\n'), { prefix: 'torch.nn.init.', importLine: null });
    assert.deepEqual(initPrefix('import torch.nn.functional as F\n'), { prefix: 'torch.nn.init.', importLine: 'import torch' });
  });

  it('splitTopLevelBlocks equals the line-joining, character-scanning original on random sources', () => {
    fc.assert(
      fc.property(textOf(BLOCK_TOKENS), (text) => {
        assert.deepEqual(splitTopLevelBlocks(text), referenceSplit(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('Flax and Keras detection equal their regexes alone (Flax: an import, and a module defined or built)', () => {
    const flax = ADAPTERS.find((adapter) => adapter.id === 'flax')!;
    const keras = ADAPTERS.find((adapter) => adapter.id === 'keras')!;
    fc.assert(
      fc.property(textOf(DETECT_TOKENS), (text) => {
        assert.equal(flax.detect(text), /^\s*(import\s+flax\b|from\s+flax\b)/m.test(text) && FLAX_MODEL_SIGNS.test(text));
        assert.equal(keras.detect(text), detectKeras(text));
      }),
      { numRuns: 3000 },
    );
    assert.equal(flax.detect('import jax\nfrom flax import linen as nn\n'), true);
    assert.equal(keras.detect('import tensorflow as tf\nx = tf.keras.layers.Dense(3)\n'), true);
  });
});
