/**
 * Bad input: analyzeFile must return (never throw, never hang) for whatever text an editor or a
 * repository can hold: files cut mid-expression, broken syntax, odd encodings, huge or deeply
 * nested files, line-ending and indentation variants, binary files and self-recursive models.
 * Where something can be recovered (layers before a syntax error), it must be.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, DEFAULT_MAX_SIZE } from '../../../src/core/analyze';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import type { Layer } from '../../../src/core/graph';
import { graphJson } from '../../../src/core/graphJson';
import { applyEdits } from '../support/edits';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'pytorch');
const FIXTURE_NAMES = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.py'))
  .sort();

function readFixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

const HEADER = 'import torch\nimport torch.nn as nn\n';

/**
 * Runs analyzeFile; a throw fails with the label. Checks that what comes back is well formed:
 * plain JSON data, notes as strings, findings inside the text, and fixes whose edits apply.
 */
function analyze(text: string, label: string): FileAnalysis {
  let analysis: FileAnalysis;
  try {
    analysis = analyzeFile(text, label);
  } catch (error) {
    throw new Error(`analyzeFile threw on ${label}: ${(error as Error).stack ?? String(error)}`);
  }
  assert.ok(Array.isArray(analysis.graph.models), `${label}: models is an array`);
  assert.ok(Array.isArray(analysis.graph.notes), `${label}: notes is an array`);
  for (const note of analysis.graph.notes) {
    assert.equal(typeof note, 'string', `${label}: a note is a string`);
  }
  assert.ok(Array.isArray(analysis.advice.findings), `${label}: findings is an array`);
  assert.doesNotThrow(() => JSON.stringify(graphJson([analysis.graph])), `${label}: the graph serialises to JSON`);
  const lineCount = text.split('\n').length;
  for (const finding of analysis.advice.findings) {
    assert.ok(finding.range.start.line >= 0 && finding.range.end.line < lineCount, `${label}: ${finding.layer}'s range is inside the text`);
    if (finding.fix) {
      const fix = finding.fix;
      assert.doesNotThrow(() => applyEdits(text, fix.edits), `${label}: the fix for ${finding.layer} applies to the text`);
    }
  }
  return analysis;
}

function layerNames(analysis: FileAnalysis, model: string): string[] {
  return analysis.graph.models.find((m) => m.name === model)?.layers.map((layer) => layer.name) ?? [];
}

function activationName(layer: Layer): string | null {
  return layer.activation === null || layer.activation === 'unknown' ? layer.activation : layer.activation.name;
}

/** What must survive a change of line endings or encoding: per model, per layer, names, activation, inits and line. */
function summary(analysis: FileAnalysis) {
  return analysis.graph.models.map((model) => ({
    model: model.name,
    line: model.range.start.line,
    layers: model.layers.map((layer) => ({
      name: layer.name,
      type: layer.type,
      activation: activationName(layer),
      init: Object.fromEntries(Object.entries(layer.init).map(([key, init]) => [key, init ? init.name : null])),
      line: layer.range.start.line,
    })),
  }));
}

function findingPositions(analysis: FileAnalysis) {
  return analysis.advice.findings.map((f) => ({
    rule: f.rule,
    model: f.model,
    layer: f.layer,
    range: f.range,
    initRange: f.initRange,
    fixRanges: f.fix ? f.fix.edits.map((e) => e.range) : null,
  }));
}

/** A small model with a place to break it: `broken` goes after fc2 in `__init__`. */
function modelWith(broken: string): string {
  return `${HEADER}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(32, 64)
        self.fc2 = nn.Linear(64, 64)
${broken}
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(10, 10)

    def forward(self, x):
        return torch.tanh(self.proj(x))
`;
}

describe('bad input', function () {
  this.timeout(20_000);
  before(loadGrammar);

  describe('files cut mid-expression', () => {
    it('has fixtures to cut', () => {
      assert.ok(FIXTURE_NAMES.length >= 30, `only ${FIXTURE_NAMES.length} fixtures`);
    });

    for (const name of FIXTURE_NAMES) {
      it(`analyzeFile never throws on ${name} cut at 50 evenly spaced offsets`, () => {
        const text = readFixture(name);
        for (let k = 1; k <= 50; k++) {
          const cut = Math.round((text.length * k) / 51);
          analyze(text.slice(0, cut), `${name} cut at ${cut}/${text.length}`);
        }
      });
    }
  });

  describe('broken syntax', () => {
    it('analyzeFile never throws on unclosed brackets, missing colons and stray closers', () => {
      const breaks = [
        '        self.extra = nn.Linear(64, 64',
        '        self.lst = [1, 2, 3',
        '        self.d = {"a": 1',
        '        if True\n            pass',
        '    def helper(self)\n        return 1',
        '        x = 1)',
        ')',
        '    )',
        ']]]]',
        '        ))))]]]}}}:::',
        '        s = "abc',
        '        s = """abc',
        'class',
        'def f(',
        '        lambda: (',
        '        @',
      ];
      for (const broken of breaks) {
        const analysis = analyze(modelWith(broken), JSON.stringify(broken));
        assert.ok(
          analysis.graph.models.some((m) => m.name === 'Head'),
          `${JSON.stringify(broken)}: Head, after the break, is still found`,
        );
      }
    });

    it('says when the file has syntax errors', () => {
      const analysis = analyze(modelWith('        self.extra = nn.Linear(64, 64'), 'unclosed call');
      assert.ok(
        analysis.graph.notes.some((note) => /syntax error/i.test(note)),
        `notes: ${JSON.stringify(analysis.graph.notes)}`,
      );
    });

    it('finds the layers before the break in broken_midedit.py (conv1 and fc3, and all of ProjectionHead)', () => {
      const analysis = analyze(readFixture('broken_midedit.py'), 'broken_midedit.py');
      const convNet = layerNames(analysis, 'ConvNet');
      for (const layer of ['conv1', 'bn1', 'conv2', 'bn2', 'fc1', 'dropout', 'fc3']) {
        assert.ok(convNet.includes(layer), `ConvNet.${layer} found (got ${convNet.join(', ')})`);
      }
      assert.ok(!convNet.includes('fc2'), 'fc2, whose call is incomplete, is not a layer');
      assert.deepEqual(layerNames(analysis, 'ProjectionHead'), ['fc1', 'bn', 'fc2']);
    });

    it('finds the layers before an unclosed call, list or dict inside __init__', () => {
      for (const broken of ['        self.extra = nn.Linear(64, 64', '        self.lst = [1, 2, 3', '        self.d = {"a": 1', '        s = "abc']) {
        const analysis = analyze(modelWith(broken), JSON.stringify(broken));
        const net = layerNames(analysis, 'Net');
        assert.ok(net.includes('fc1') && net.includes('fc2'), `${JSON.stringify(broken)}: fc1 and fc2 found (got ${net.join(', ')})`);
        assert.deepEqual(layerNames(analysis, 'Head'), ['proj']);
      }
    });

    it('finds the layers around a missing colon on an if inside __init__, and keeps the forward activations', () => {
      const analysis = analyze(modelWith('        if True\n            pass'), 'missing colon');
      assert.deepEqual(layerNames(analysis, 'Net'), ['fc1', 'fc2', 'fc3']);
      const net = analysis.graph.models.find((m) => m.name === 'Net')!;
      assert.deepEqual(net.layers.map(activationName), ['relu', 'relu', null]);
    });

    it('finds the layers around a stray ) inside __init__', () => {
      const analysis = analyze(modelWith('        x = 1)'), 'stray )');
      assert.deepEqual(layerNames(analysis, 'Net'), ['fc1', 'fc2', 'fc3']);
    });

    it('analyzeFile never throws on a file that is only import torch plus garbage', () => {
      const garbage = [
        'import torch\n)(*&^%$#@!{}[]:::\nclass class def def\n\tfoo ( ]\n',
        'import torch\n' + '@@@ $$$ ??? \\\n'.repeat(50),
        'import torch\n' + ')'.repeat(1000),
        'import torch\n' + '\t \t\n   \n\t\tx\n  y\n'.repeat(100),
        'import torch\nclass Net(nn.Module):\n' + '    '.repeat(3) + 'self.fc = nn.Linear(\n',
      ];
      for (const text of garbage) {
        const analysis = analyze(text, 'garbage');
        assert.equal(analysis.advice.findings.length, 0);
      }
    });
  });

  describe('encodings', () => {
    it('analyzeFile never throws on lone surrogates and U+FFFD, and still finds layers around them in comments and strings', () => {
      const text = `${HEADER}

class Net(nn.Module):
    """\udfff\ufffd \ud800 docstring"""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)  # \ud800 lone high surrogate
        self.fc2 = nn.Linear(64, 64)  # \udc00 lone low surrogate \ufffd\ufffd
        self.tag = "\ud83d"
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.tanh(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.out(x)
`;
      const analysis = analyze(text, 'surrogates.py');
      assert.deepEqual(layerNames(analysis, 'Net'), ['fc1', 'fc2', 'out']);
    });

    it('analyzeFile never throws on lone surrogates in identifiers and at the very start and end', () => {
      analyze(`\ud800${HEADER}class N\udc00(nn.Module):\n    def __init__(self):\n        self.fc\ud83d = nn.Linear(4, 4)\n\ud83d`, 'surrogate identifiers');
      analyze('\ufffd\ufffd\ud800\udc00\udc00 import torch\n\ud800', 'surrogates around an import');
      analyze(`${HEADER}${'\ufffd'.repeat(10_000)}\n`, 'many replacement characters');
    });

    it('gives the same graph for a fixture read as Latin-1 (UTF-8 bytes decoded as Latin-1: mojibake in docstrings)', () => {
      for (const name of ['custom_activation_module.py', 'gpt2_nanogpt.py', 'resnet_basic.py']) {
        const utf8 = readFixture(name);
        const latin1 = new TextDecoder('latin1').decode(Buffer.from(utf8, 'utf8'));
        assert.deepEqual(summary(analyze(latin1, `${name} as Latin-1`)), summary(analyze(utf8, name)), name);
      }
    });

    it('analyzeFile never throws on Latin-1 decoded bytes that are not UTF-8, and finds the model', () => {
      const bytes = Buffer.concat([
        Buffer.from(`${HEADER}\n# caf`, 'latin1'),
        Buffer.from([0xe9, 0x20, 0xff, 0xfe, 0x80, 0x81, 0x0a]),
        Buffer.from('class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)  # ', 'latin1'),
        Buffer.from([0xe8, 0xe0, 0xa0]),
        Buffer.from('\n\n    def forward(self, x):\n        return self.fc(x)\n', 'latin1'),
      ]);
      assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'the bytes are not valid UTF-8');
      const analysis = analyze(new TextDecoder('latin1').decode(bytes), 'latin1.py');
      assert.deepEqual(layerNames(analysis, 'Net'), ['fc']);
      const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256).filter((b) => b !== 0));
      analyze(`${HEADER}${new TextDecoder('latin1').decode(random)}`, 'random Latin-1 bytes');
    });

    it('skips a file with a NUL byte (binary) with a note saying so', () => {
      for (const text of [`${HEADER}x = 1\u0000\n`, '\u0000', `${readFixture('alexnet_plain.py')}\u0000`]) {
        const analysis = analyze(text, 'binary.py');
        assert.deepEqual(analysis.graph.models, []);
        assert.deepEqual(analysis.advice.findings, []);
        assert.ok(
          analysis.graph.notes.some((note) => /skip/i.test(note) && /NUL|binary/i.test(note)),
          `notes: ${JSON.stringify(analysis.graph.notes)}`,
        );
      }
    });
  });

  describe('size', () => {
    it('analyses or skips a ~5 MB generated model file, and says why when it skips', () => {
      const parts: string[] = [HEADER];
      let length = HEADER.length;
      for (let i = 0; length < 5_000_000; i++) {
        const part = `

class Block${i}(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(64, 64)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))
`;
        parts.push(part);
        length += part.length;
      }
      const text = parts.join('');
      const analysis = analyze(text, 'huge.py');
      if (text.length > DEFAULT_MAX_SIZE) {
        assert.deepEqual(analysis.graph.models, []);
        const note = analysis.graph.notes.find((n) => /skip/i.test(n));
        assert.ok(note, `a note says the file was skipped: ${JSON.stringify(analysis.graph.notes)}`);
        assert.match(note, /limit|too large|size/i, 'the note says why');
        assert.ok(note.includes(String(DEFAULT_MAX_SIZE)) || note.includes(String(text.length)), `the note gives the size or the limit: ${note}`);
      } else {
        assert.ok(analysis.graph.models.length > 1000);
      }
    });

    it('respects a smaller maxSize and says so', () => {
      const text = readFixture('alexnet_plain.py');
      const analysis = analyzeFile(text, 'alexnet_plain.py', { maxSize: 100 });
      assert.deepEqual(analysis.graph.models, []);
      assert.ok(
        analysis.graph.notes.some((n) => /skip/i.test(n) && n.includes('100')),
        JSON.stringify(analysis.graph.notes),
      );
      assert.ok(analyzeFile(text, 'alexnet_plain.py', { maxSize: text.length }).graph.models.length === 1, 'a file exactly at the limit is analysed');
    });
  });

  describe('deep nesting', () => {
    it('analyzeFile never throws on x = ((((…)))) 2,000 levels deep', () => {
      analyze(`${HEADER}x = ${'('.repeat(2000)}1${')'.repeat(2000)}\n`, 'parens');
      analyze(`${HEADER}x = ${'('.repeat(2000)}1\n`, 'unclosed parens');
      analyze(`${HEADER}x = 1${')'.repeat(2000)}\n`, 'unopened parens');
    });

    it('analyzeFile never throws on 500 nested lists', () => {
      analyze(`${HEADER}x = ${'['.repeat(500)}1${']'.repeat(500)}\n`, 'lists');
      analyze(`${HEADER}x = ${'['.repeat(500)}\n`, 'unclosed lists');
    });

    it('keeps the model when a deep expression sits inside __init__', () => {
      const parens = analyze(modelWith(`        self.k = ${'('.repeat(2000)}4${')'.repeat(2000)}`), 'parens in __init__');
      assert.deepEqual(layerNames(parens, 'Net'), ['fc1', 'fc2', 'fc3']);
      const lists = analyze(modelWith(`        self.k = ${'['.repeat(500)}4${']'.repeat(500)}`), 'lists in __init__');
      assert.deepEqual(layerNames(lists, 'Net'), ['fc1', 'fc2', 'fc3']);
    });

    it('returns a partial graph or a note for 5,000-deep expressions of every kind inside a model', () => {
      const n = 5000;
      const deep = [
        `        self.k = ${'('.repeat(n)}4${')'.repeat(n)}`,
        `        self.k = ${'['.repeat(n)}4${']'.repeat(n)}`,
        `        self.k = ${'{1: '.repeat(n)}4${'}'.repeat(n)}`,
        `        self.k = ${Array<string>(n).fill('1').join(' + ')}`,
        `        self.k = ${'-'.repeat(n)}1`,
        `        self.k = ${'not '.repeat(n)}1`,
        `        self.k = self${'.a'.repeat(n)}`,
        `        self.k = x${'[0]'.repeat(n)}`,
        `        self.k = ${'lambda: '.repeat(n)}4`,
        `        self.k = ${'torch.relu('.repeat(n)}x${')'.repeat(n)}`,
        `        self.k = ${'nn.Sequential('.repeat(n / 10)}nn.Linear(3, 3)${')'.repeat(n / 10)}`,
      ];
      for (const expression of deep) {
        const label = expression.slice(0, 40);
        const analysis = analyze(modelWith(expression), label);
        assert.ok(layerNames(analysis, 'Head').includes('proj'), `${label}: the next class is still analysed`);
        const net = layerNames(analysis, 'Net');
        assert.ok(
          net.includes('fc1') || analysis.graph.notes.some((note) => note.includes('Net')),
          `${label}: Net is analysed or a note says why not: ${JSON.stringify(analysis.graph.notes)}`,
        );
      }
    });

    it('analyzeFile never throws on deeply nested classes and functions', () => {
      let classes = HEADER;
      for (let i = 0; i < 100; i++) {
        const indent = '    '.repeat(i);
        classes += `${indent}class C${i}(nn.Module):\n${indent}    def __init__(self):\n${indent}        super().__init__()\n${indent}        self.fc = nn.Linear(4, 4)\n`;
      }
      const nestedClasses = analyze(classes, 'nested classes');
      assert.deepEqual(layerNames(nestedClasses, 'C0'), ['fc']);

      let functions = HEADER;
      for (let i = 0; i < 200; i++) {
        functions += `${'    '.repeat(i)}def f${i}(x):\n`;
      }
      functions += `${'    '.repeat(200)}return nn.Linear(4, 4)\n`;
      analyze(functions, 'nested functions');

      let blocks = `${HEADER}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n`;
      for (let i = 0; i < 300; i++) {
        blocks += `${'    '.repeat(i + 2)}if True:\n`;
      }
      blocks += `${'    '.repeat(302)}self.fc = nn.Linear(4, 4)\n`;
      analyze(blocks, 'nested ifs');
    });
  });

  describe('line endings and indentation', () => {
    it('gives the same layers, activations, inits and finding positions for every fixture with CRLF line endings', () => {
      for (const name of FIXTURE_NAMES) {
        const lf = readFixture(name);
        assert.ok(!lf.includes('\r'), `${name} is stored with LF line endings`);
        const lfAnalysis = analyze(lf, name);
        const crlfAnalysis = analyze(lf.replace(/\n/g, '\r\n'), `${name} (CRLF)`);
        assert.deepEqual(summary(crlfAnalysis), summary(lfAnalysis), `${name}: graph with CRLF`);
        assert.deepEqual(findingPositions(crlfAnalysis), findingPositions(lfAnalysis), `${name}: findings with CRLF`);
      }
    });

    it('gives the same graph for a fixture with mixed LF and CRLF line endings', () => {
      for (const name of ['gpt2_nanogpt.py', 'resnet_basic.py', 'lstm_lm.py']) {
        const lf = readFixture(name);
        const mixed = lf
          .split('\n')
          .map((line, i) => (i % 2 === 1 ? `${line}\r` : line))
          .join('\n');
        assert.deepEqual(summary(analyze(mixed, `${name} (mixed)`)), summary(analyze(lf, name)), name);
      }
    });

    it('gives the same graph for every fixture re-indented with tabs', () => {
      for (const name of FIXTURE_NAMES) {
        const spaces = readFixture(name);
        const tabs = spaces.replace(/^(?: {4})+/gm, (indent) => '\t'.repeat(indent.length / 4));
        assert.notEqual(tabs, spaces, `${name} has indentation to convert`);
        const expected = graphJson([analyze(spaces, name).graph]).files[0]!.models;
        const actual = graphJson([analyze(tabs, `${name} (tabs)`).graph]).files[0]!.models;
        assert.deepEqual(actual, expected, `${name}: graph with tabs`);
      }
    });

    it('gives the same graph for a fixture starting with a byte-order mark', () => {
      const text = readFixture('gpt2_nanogpt.py');
      assert.deepEqual(summary(analyze(`\ufeff${text}`, 'bom')), summary(analyze(text, 'no bom')));
    });
  });

  describe('empty and comment-only files', () => {
    it('gives no models or findings for an empty or blank file, and no notes for an empty one', () => {
      for (const text of ['', '\n', '\r\n', '   \n\t\n']) {
        const analysis = analyze(text, JSON.stringify(text));
        assert.deepEqual(analysis.graph.models, []);
        assert.deepEqual(analysis.advice.findings, []);
      }
      assert.deepEqual(analyze('', 'empty.py').graph.notes, []);
    });

    it('gives no models or findings for a file with only comments, even commented-out model code', () => {
      const text = '# import torch\n# import torch.nn as nn\n#\n# class Net(nn.Module):\n#     def __init__(self):\n#         self.fc = nn.Linear(4, 4)\n';
      const analysis = analyze(text, 'comments.py');
      assert.deepEqual(analysis.graph.models, []);
      assert.deepEqual(analysis.advice.findings, []);
      const withImport = analyze(`import torch\n${text}`, 'import and comments');
      assert.deepEqual(withImport.graph.models, []);
      assert.deepEqual(withImport.advice.findings, []);
    });
  });

  describe('recursion', () => {
    function terminates(analysis: FileAnalysis, model: string, label: string): void {
      const layers = layerNames(analysis, model);
      assert.ok(layers.length > 0 || analysis.graph.notes.length > 0, `${label}: a partial graph or a note (notes: ${JSON.stringify(analysis.graph.notes)})`);
      assert.ok(layers.length < 100_000, `${label}: the graph is bounded (${layers.length} layers)`);
    }

    it('terminates on a class that instantiates itself in __init__ (self.sub = Net())', () => {
      const text = `${HEADER}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.sub = Net()

    def forward(self, x):
        return self.sub(torch.relu(self.fc(x)))
`;
      const analysis = analyze(text, 'self-recursive class');
      terminates(analysis, 'Net', 'self-recursive class');
      assert.equal(layerNames(analysis, 'Net')[0], 'fc');
    });

    it('terminates on a class that instantiates itself twice (exponential unrolling)', () => {
      const text = `${HEADER}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.left = Net()
        self.right = Net()

    def forward(self, x):
        return self.right(self.left(torch.relu(self.fc(x))))


class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
`;
      const analysis = analyze(text, 'binary self-recursion');
      terminates(analysis, 'Net', 'binary self-recursion');
      assert.deepEqual(layerNames(analysis, 'Other'), ['fc'], 'the other model is still analysed');
    });

    it('terminates on mutually recursive classes', () => {
      const text = `${HEADER}

class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.b = B()

    def forward(self, x):
        return self.b(torch.relu(self.fc(x)))


class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.a = A()

    def forward(self, x):
        return self.a(torch.tanh(self.fc(x)))
`;
      const analysis = analyze(text, 'mutually recursive classes');
      terminates(analysis, 'A', 'A');
      terminates(analysis, 'B', 'B');
    });

    it('terminates on mutually recursive helper functions', () => {
      const plain = `${HEADER}

def a(n):
    return b(n)


def b(n):
    return a(n)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = a(4)
        self.g = nn.Linear(4, 4)

    def forward(self, x):
        return self.g(torch.relu(self.fc(x)))
`;
      const plainAnalysis = analyze(plain, 'mutual helpers');
      terminates(plainAnalysis, 'Net', 'mutual helpers');
      assert.ok(layerNames(plainAnalysis, 'Net').includes('g'));

      const building = `${HEADER}

def a(n):
    return nn.Sequential(nn.Linear(n, n), nn.ReLU(), a(n), b(n))


def b(n):
    return nn.Sequential(a(n), b(n))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = a(4)

    def forward(self, x):
        return self.body(x)
`;
      terminates(analyze(building, 'mutual builders'), 'Net', 'mutual builders');
    });

    it('terminates on a forward that calls itself', () => {
      const text = `${HEADER}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.forward(self.forward(torch.relu(self.fc(x))))
`;
      terminates(analyze(text, 'recursive forward'), 'Net', 'recursive forward');
    });

    it('terminates on unbounded loops in __init__', () => {
      const text = `${HEADER}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()
        while True:
            self.layers.append(nn.Linear(4, 4))
        self.more = nn.ModuleList([nn.Linear(4, 4) for _ in range(10**9) for _ in range(10**9)])

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return x
`;
      terminates(analyze(text, 'unbounded loops'), 'Net', 'unbounded loops');
    });
  });
});

describe('recovery of what the user is typing', () => {
  before(loadGrammar);
  const NET = [
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc1 = nn.Linear(10, 20)',
    '        self.fc2 = nn.Linear(20, 20)',
    '        self.out = nn.Linear(20, 2)',
    '',
    '    def forward(self, x):',
    '        x = F.relu(self.fc1(x))',
    '        x = F.relu(self.fc2(x))',
    '        return self.out(x)',
    '',
  ];
  const layersOf = (text: string) => analyzeText(text, 'net.py').models.map((m) => [m.name, m.layers.map((l) => l.name)]);
  const cases: [string, string[]][] = [
    ['a method header missing its colon', NET.map((l) => (l === '    def forward(self, x):' ? '    def forward(self, x)' : l))],
    ['the class header missing its colon', NET.map((l) => (l === 'class Net(nn.Module):' ? 'class Net(nn.Module)' : l))],
    ['a stray closing bracket inside __init__', NET.flatMap((l) => (l.includes('self.fc2 =') ? [l, '        )'] : [l]))],
  ];
  for (const [what, lines] of cases) {
    it(`keeps the whole class and its data flow with ${what}`, () => {
      const graph = analyzeText(lines.join('\n'), 'net.py');
      assert.deepEqual(layersOf(lines.join('\n')), [['Net', ['fc1', 'fc2', 'out']]]);
      assert.equal((graph.models[0]!.layers[0]!.activation as { name: string }).name, 'relu');
      assert.match(graph.notes[0]!, /syntax errors.*line \d+/);
    });
  }

  it('reads a file with old-Mac CR line endings like one with LF', () => {
    const text = NET.join('\n');
    assert.deepEqual(layersOf(text.replace(/\n/g, '\r')), layersOf(text));
  });

  it('says that a module building itself is not unrolled, instead of guessing a depth', () => {
    const text = [
      'import torch.nn as nn',
      '',
      'class Tree(nn.Module):',
      '    def __init__(self, depth=3):',
      '        super().__init__()',
      '        self.fc = nn.Linear(4, 4)',
      '        self.child = Tree(depth - 1)',
      '',
    ].join('\n');
    const graph = analyzeText(text, 'tree.py');
    assert.deepEqual(
      graph.models[0]!.layers.map((l) => l.name),
      ['fc'],
    );
    assert.ok(
      graph.notes.some((n) => /Tree: .*builds an instance of itself/.test(n)),
      graph.notes.join('\n'),
    );
  });

  it('treats a huge range as a loop of unknown length and says so', () => {
    const text = [
      'import torch.nn as nn',
      '',
      'class Wide(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(10 ** 9)])',
      '',
    ].join('\n');
    const graph = analyzeText(text, 'wide.py');
    assert.deepEqual(
      graph.models[0]!.layers.map((l) => l.name),
      ['layers.*'],
    );
    assert.ok(
      graph.notes.some((n) => /treated as a loop of unknown length/.test(n)),
      graph.notes.join('\n'),
    );
  });
});
