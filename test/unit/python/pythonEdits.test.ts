/**
 * The shared source helpers of the fixes on their own: the line table against tree-sitter's rows,
 * the keyword-argument edit in every layout (one line, one argument per line, trailing comma,
 * comments, CRLF, lone CR, tabs, unicode before the call), statement insertion, and import aliases.
 */
import * as assert from 'node:assert/strict';
import { callStartingAt, syntaxTreeOf } from '../../../src/core/python/callAt';
import { insertAfterStatement, preferredQuote, setKeywordArgument, toPositionEdit, type OffsetEdit } from '../../../src/core/python/edits';
import { addImportEdit, aliasFor, importBindings, importsModule } from '../../../src/core/python/importAliases';
import { LineTable } from '../../../src/core/python/lines';
import { parsePython } from '../../../src/core/python/parser';
import { applyEdits } from '../support/edits';
import { loadGrammar } from '../support/python';

function applyOffsetEdit(text: string, edit: OffsetEdit): string {
  return text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
}

/** Sets `keyword=value` on the first call of `callee` in `text` and returns the new text (or null). */
function withKeyword(text: string, callee: string, keyword = 'kernel_init', value = 'he()', maxPositional?: number): string | null {
  const root = syntaxTreeOf(text)!;
  const start = text.indexOf(`${callee}(`);
  assert.ok(start >= 0, `${callee}( is in the text`);
  const call = callStartingAt(root, start);
  assert.ok(call, `a call starts at ${start}`);
  const lines = new LineTable(text);
  const edit = setKeywordArgument(lines, call, keyword, value, maxPositional === undefined ? {} : { maxPositional });
  if (!edit) {
    return null;
  }
  const fixed = applyOffsetEdit(text, edit);
  // The same edit in positions, applied the editor's way, gives the same text.
  assert.equal(applyEdits(text, [toPositionEdit(lines, edit)]), fixed, 'positions and offsets agree');
  return fixed;
}

function parses(text: string): boolean {
  const tree = parsePython(text.replace(/\r(?!\n)/g, '\n'))!;
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

describe('python source helpers for fixes', () => {
  before(loadGrammar);

  describe('LineTable', () => {
    it('counts rows as the graph does: LF, CRLF and lone CR each end one line', () => {
      const text = 'a = 1\nb = 2\r\nc = 3\rd = f(4)';
      const lines = new LineTable(text);
      assert.equal(lines.lineCount, 4);
      assert.deepEqual(
        [0, 1, 2, 3].map((line) => lines.lineText(line)),
        ['a = 1', 'b = 2', 'c = 3', 'd = f(4)'],
      );
      assert.deepEqual(lines.positionAt(text.indexOf('f(4)')), { line: 3, column: 4 });
      assert.equal(lines.offsetAt({ line: 3, column: 4 }), text.indexOf('f(4)'));
      // A column past the line's end is clamped before its line break.
      assert.equal(lines.offsetAt({ line: 1, column: 99 }), text.indexOf('\r\n'));
    });

    it("agrees with tree-sitter's rows and UTF-16 columns once a lone CR is read as LF (what the analysis parses)", () => {
      const text = 'é = "ü€😀"\r\nx = 1\ry = g(2)\nz = h(3)\n';
      const normalized = text.replace(/\r(?!\n)/g, '\n');
      const tree = parsePython(normalized)!;
      try {
        const lines = new LineTable(text);
        const calls = tree.rootNode.descendantsOfType('call');
        assert.equal(calls.length, 2);
        for (const call of calls) {
          assert.ok(call);
          assert.deepEqual(lines.positionAt(call.startIndex), { line: call.startPosition.row, column: call.startPosition.column });
        }
      } finally {
        tree.delete();
      }
    });

    it('finds the same lines in a text of LF breaks alone (its fast path) as a reading of every character', () => {
      for (const text of ['', '\n', 'a', 'a\n', '\n\nb\n\n', 'x = 1\n  y = 2\n\tz\n']) {
        const lines = new LineTable(text);
        const expected = text.split('\n');
        assert.equal(lines.lineCount, expected.length, JSON.stringify(text));
        assert.deepEqual(
          expected.map((_, line) => lines.lineText(line)),
          expected,
        );
      }
    });

    it("takes the file's first line break for new lines", () => {
      assert.equal(new LineTable('a\r\nb\nc').eol, '\r\n');
      assert.equal(new LineTable('a\rb\r').eol, '\r');
      assert.equal(new LineTable('a\nb\r\n').eol, '\n');
      assert.equal(new LineTable('a').eol, '\n');
    });
  });

  describe('setKeywordArgument', () => {
    it('adds to a call on one line, and to an empty call', () => {
      assert.equal(withKeyword('y = nn.Dense(64)(x)\n', 'nn.Dense'), 'y = nn.Dense(64, kernel_init=he())(x)\n');
      assert.equal(withKeyword('y = nn.Dense()(x)\n', 'nn.Dense'), 'y = nn.Dense(kernel_init=he())(x)\n');
      assert.equal(withKeyword('y = nn.Dense(64,)(x)\n', 'nn.Dense'), 'y = nn.Dense(64, kernel_init=he(),)(x)\n');
    });

    it('replaces the value of a keyword already written', () => {
      assert.equal(withKeyword('y = D(64, kernel_init=old(1, 2), b=1)\n', 'D'), 'y = D(64, kernel_init=he(), b=1)\n');
    });

    it('keeps one argument per line, with and without a trailing comma', () => {
      assert.equal(withKeyword('y = D(\n    64,\n    b=1,\n)\n', 'D'), 'y = D(\n    64,\n    b=1,\n    kernel_init=he(),\n)\n');
      assert.equal(withKeyword('y = D(\n    64,\n    b=1\n)\n', 'D'), 'y = D(\n    64,\n    b=1,\n    kernel_init=he()\n)\n');
      assert.equal(withKeyword('y = D(64,\n      b=1)\n', 'D'), 'y = D(64,\n      b=1,\n      kernel_init=he())\n');
    });

    it('keeps CRLF, lone CR and tabs', () => {
      assert.equal(withKeyword('y = D(\r\n\t64,\r\n\tb=1,\r\n)\r\n', 'D'), 'y = D(\r\n\t64,\r\n\tb=1,\r\n\tkernel_init=he(),\r\n)\r\n');
      const cr = 'import x\rclass M:\r\tdef f(self):\r\t\ty = D(\r\t\t\t64,\r\t\t\tb=1\r\t\t)\r\t\treturn y\r';
      const fixed = withKeyword(cr, 'D')!;
      assert.equal(fixed, cr.replace('\t\t\tb=1\r', '\t\t\tb=1,\r\t\t\tkernel_init=he()\r'));
      assert.ok(!fixed.includes('\n'), 'no LF in a CR file');
      assert.ok(parses(fixed));
    });

    it('keeps a comment after the last argument on its line', () => {
      assert.equal(withKeyword('y = D(\n    64,\n    b=1  # why\n)\n', 'D'), 'y = D(\n    64,\n    b=1,  # why\n    kernel_init=he()\n)\n');
      assert.equal(withKeyword('y = D(\n    64,\n    b=1,  # why\n)\n', 'D'), 'y = D(\n    64,\n    b=1,  # why\n    kernel_init=he(),\n)\n');
      assert.equal(
        withKeyword('y = D(  # layer\n    64,  # width\n    b=(1, 2),\n)\n', 'D'),
        'y = D(  # layer\n    64,  # width\n    b=(1, 2),\n    kernel_init=he(),\n)\n',
      );
    });

    it('counts columns in UTF-16 after unicode before the call', () => {
      const text = 'names = ["é😀", "ü"]; y = D(64)\n';
      const fixed = withKeyword(text, 'D')!;
      assert.equal(fixed, 'names = ["é😀", "ü"]; y = D(64, kernel_init=he())\n');
    });

    it('refuses *args, **kwargs, too many positional arguments, generator arguments and syntax errors', () => {
      assert.equal(withKeyword('y = D(64, **cfg)\n', 'D'), null);
      assert.equal(withKeyword('y = D(*shape)\n', 'D'), null);
      assert.equal(withKeyword('y = D(64, 3, "glorot")\n', 'D', 'kernel_init', 'he()', 2), null);
      assert.equal(withKeyword('y = D(64, 3)\n', 'D', 'kernel_init', 'he()', 2), 'y = D(64, 3, kernel_init=he())\n');
      assert.equal(withKeyword('y = D(i for i in x)\n', 'D'), null);
      assert.equal(withKeyword('y = D(64, = 3)\n', 'D'), null);
    });

    it('gives Python that parses in every layout above', () => {
      for (const text of ['y = D(\n    64,\n    b=1  # why\n)\n', 'y = D(\r\n\t64,\r\n)\r\n', 'y = D(64,\r      b=[1,\r         2])\r']) {
        const fixed = withKeyword(text, 'D')!;
        assert.ok(parses(fixed), JSON.stringify(fixed));
      }
    });
  });

  describe('insertAfterStatement', () => {
    it("inserts nested lines after a multi-line statement at its indentation, with the file's tabs and line breaks", () => {
      const text = 'class M:\r\tdef __init__(self):\r\t\tself.fc = Linear(\r\t\t\t3, 4)\r\t\treturn\r';
      const lines = new LineTable(text);
      const edit = insertAfterStatement(lines, { start: { line: 2, column: 2 }, end: { line: 3, column: 8 } }, [
        { depth: 0, text: 'for m in x:' },
        { depth: 1, text: 'init(m)' },
      ]);
      assert.equal(applyEdits(text, [toPositionEdit(lines, edit)]), text.replace('3, 4)\r', '3, 4)\r\t\tfor m in x:\r\t\t\tinit(m)\r'));
    });
  });

  describe('import aliases', () => {
    it('reads plain, aliased, from, parenthesised and continued imports', () => {
      const text = [
        'from __future__ import annotations',
        'import torch.nn as nn, math',
        'from flax import (',
        '    linen as fnn,  # linen',
        '    struct,',
        ')',
        'from keras \\',
        '    import initializers as I',
        'import jax.numpy',
        'from . import local',
        'from os import *',
      ].join('\r');
      const bindings = importBindings(text);
      assert.deepEqual(
        bindings.map((b) => [b.name, b.target, b.line]),
        [
          ['annotations', '__future__.annotations', 0],
          ['nn', 'torch.nn', 1],
          ['math', 'math', 1],
          ['fnn', 'flax.linen', 2],
          ['struct', 'flax.struct', 2],
          ['I', 'keras.initializers', 6],
          ['jax.numpy', 'jax.numpy', 8],
        ],
      );
      assert.equal(aliasFor(bindings, 'torch.nn.init'), 'nn.init');
      assert.equal(aliasFor(bindings, 'flax.linen.initializers'), 'fnn.initializers');
      assert.equal(aliasFor(bindings, 'keras.initializers'), 'I');
      // `import jax.numpy` binds `jax`, but only `jax.numpy` is sure to be loaded.
      assert.equal(aliasFor(bindings, 'jax.nn.initializers'), null);
      assert.ok(importsModule(bindings, 'math'));
      assert.ok(!importsModule(importBindings('import math as m\n'), 'math'));
    });

    it('prefers the most direct name, then the first in the file', () => {
      const bindings = importBindings('import torch\nimport torch.nn as nn\nfrom torch.nn import init as I\nfrom torch.nn import init\n');
      assert.equal(aliasFor(bindings, 'torch.nn.init'), 'I');
      assert.equal(aliasFor(importBindings('import torch\nimport torch.nn as nn\n'), 'torch.nn.init'), 'nn.init');
      assert.equal(aliasFor(importBindings('import torch\n'), 'torch.nn.init'), 'torch.nn.init');
      assert.equal(aliasFor(importBindings('x = 1\n# import torch\n'), 'torch.nn.init'), null);
    });

    it('adds an import before the first one, after `from __future__`, or at the top', () => {
      const add = (text: string) => applyOffsetEdit(text, addImportEdit(text, 'import math'));
      assert.equal(add('"""Doc."""\nimport torch\n'), '"""Doc."""\nimport math\nimport torch\n');
      assert.equal(add('from __future__ import annotations\r\n\r\nx = 1\r\n'), 'from __future__ import annotations\r\nimport math\r\n\r\nx = 1\r\n');
      assert.equal(add('from __future__ import annotations'), 'from __future__ import annotations\nimport math');
      assert.equal(add('x = 1\ry = 2\r'), 'import math\rx = 1\ry = 2\r');
    });
  });

  it('prefers the quotes of the code being edited, then those of the file', () => {
    assert.equal(preferredQuote("a = 'x'\nb = \"y\"\nc = 'z'\n"), "'");
    assert.equal(preferredQuote('a = \'x\'\nb = D("y")\n', { start: 12, end: 18 }), '"');
    assert.equal(preferredQuote('"""doc \'a\' \'b\'"""\nx = 1\n'), '"');
  });
});
