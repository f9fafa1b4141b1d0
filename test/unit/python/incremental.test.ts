/**
 * The incremental analysis (src/core/incremental/) against a fresh full analysis: after every
 * edit of random edit sequences (characters, lines, whole classes; broken syntax; CRLF) on real
 * model files and generated ones, the graph and the advice (findings with their fix edits and
 * ranges) must be identical, and the reuse must actually happen.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import { IncrementalCache } from '../../../src/core/incremental/cache';
import { DocumentTrees } from '../../../src/core/python/documentTrees';
import { generateModelFile } from '../../bench/generate';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'pytorch');

const EXTRA_CLASS = [
  'class ExtraHead(nn.Module):',
  '    def __init__(self, width=64):',
  '        super().__init__()',
  '        self.fc = nn.Linear(width, width)',
  '        self.out = nn.Linear(width, 10)',
  '        nn.init.xavier_uniform_(self.fc.weight)',
  '',
  '    def forward(self, x):',
  '        return self.out(torch.tanh(self.fc(x)))',
  '',
].join('\n');

const LINES = [
  '    self.extra = nn.Linear(4, 4)',
  'import math',
  'WIDTH = 32',
  'def helper(m):\n    nn.init.zeros_(m.bias)',
  '',
  '# a comment',
  '        x = F.relu(x)',
  'class Broken(nn.Module',
  '    )',
  '"""A docstring\nwhose text starts at column 0\n"""',
  'if __name__ == "__main__":\n    head = ExtraHead()\n    head.apply(helper)',
];
const CHARS = ['x', '(', ')', ':', ' ', '\n', '\r\n', '"', "'", '#', '_', '1', '\t', 'é'];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'line'; line: number; text: string }
  | { kind: 'deleteLine'; line: number }
  | { kind: 'class'; line: number }
  | { kind: 'deleteClass'; which: number }
  | { kind: 'moveClass'; which: number; line: number };

const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom(...CHARS) })
      .map((e) => ({ ...e, at: e.at })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 8 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('line' as const), line: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom(...LINES) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteLine' as const), line: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('class' as const), line: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteClass' as const), which: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('moveClass' as const), which: fc.nat(50), line: fc.double({ min: 0, max: 1, noNaN: true }) }) },
) as fc.Arbitrary<Edit>;

/** Offsets of line starts (LF). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    starts.push(at + 1);
  }
  return starts;
}

/** The [start, end) of each top-level class (from its `class` line to the next line at column 0). */
function classSpans(text: string): [number, number][] {
  const starts = lineStarts(text);
  const spans: [number, number][] = [];
  for (let i = 0; i < starts.length; i++) {
    if (text.startsWith('class ', starts[i]!)) {
      let j = i + 1;
      while (j < starts.length && !/^[A-Za-z_@]/.test(text.slice(starts[j]!, starts[j]! + 1))) {
        j++;
      }
      spans.push([starts[i]!, j < starts.length ? starts[j]! : text.length]);
    }
  }
  return spans;
}

function applyEdit(text: string, edit: Edit): string {
  const starts = lineStarts(text);
  const lineAt = (fraction: number) => starts[Math.min(starts.length - 1, Math.floor(fraction * starts.length))]!;
  switch (edit.kind) {
    case 'insert': {
      const at = Math.floor(edit.at * text.length);
      return text.slice(0, at) + edit.text + text.slice(at);
    }
    case 'delete': {
      const at = Math.floor(edit.at * text.length);
      return text.slice(0, at) + text.slice(Math.min(text.length, at + edit.length));
    }
    case 'line': {
      const at = lineAt(edit.line);
      return `${text.slice(0, at)}${edit.text}\n${text.slice(at)}`;
    }
    case 'deleteLine': {
      const at = lineAt(edit.line);
      const end = text.indexOf('\n', at);
      return text.slice(0, at) + (end < 0 ? '' : text.slice(end + 1));
    }
    case 'class': {
      const at = lineAt(edit.line);
      return text.slice(0, at) + EXTRA_CLASS + text.slice(at);
    }
    case 'deleteClass': {
      const spans = classSpans(text);
      if (spans.length === 0) {
        return text;
      }
      const [start, end] = spans[edit.which % spans.length]!;
      return text.slice(0, start) + text.slice(end);
    }
    case 'moveClass': {
      const spans = classSpans(text);
      if (spans.length === 0) {
        return text;
      }
      const [start, end] = spans[edit.which % spans.length]!;
      const cls = text.slice(start, end);
      const rest = text.slice(0, start) + text.slice(end);
      const restStarts = lineStarts(rest);
      const at = restStarts[Math.min(restStarts.length - 1, Math.floor(edit.line * restStarts.length))]!;
      return rest.slice(0, at) + (cls.endsWith('\n') ? cls : `${cls}\n`) + rest.slice(at);
    }
  }
}

/** An editor-like session: one kept tree and one incremental cache for the document. */
class Session {
  readonly trees = new DocumentTrees();
  readonly cache = new IncrementalCache();

  analyze(text: string): FileAnalysis {
    return analyzeFile(text, 'model.py', { tree: this.trees.update('doc', text), incremental: this.cache });
  }

  dispose(): void {
    this.trees.dispose();
  }
}

function assertSame(text: string, incremental: FileAnalysis, step: string): void {
  const full = analyzeFile(text, 'model.py');
  try {
    assert.deepStrictEqual(incremental, full);
  } catch (error) {
    fs.writeFileSync(path.join(require('node:os').tmpdir(), 'incremental-mismatch.py'), text);
    throw new Error(`${step}: incremental ≠ full (text in the temp dir, incremental-mismatch.py): ${(error as Error).message.slice(0, 3000)}`);
  }
}

function runSequence(base: string, edits: Edit[], crlf: boolean): void {
  const session = new Session();
  try {
    let text = crlf ? base.replace(/\r?\n/g, '\r\n') : base;
    assertSame(text, session.analyze(text), 'first analysis');
    edits.forEach((edit, index) => {
      text = applyEdit(text, edit);
      assertSame(text, session.analyze(text), `edit ${index + 1} (${JSON.stringify(edit)})`);
    });
  } finally {
    session.dispose();
  }
}

describe('incremental analysis', function () {
  this.timeout(600_000);
  before(loadGrammar);

  const fixtures = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8'));

  it('equals a full analysis after every edit of random edit sequences on the fixtures', () => {
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.array(editArbitrary, { minLength: 1, maxLength: 10 }), fc.boolean(), (index, edits, crlf) => {
        runSequence(fixtures[index]!, edits, crlf);
      }),
      { numRuns: 120 },
    );
  });

  it('equals a full analysis after every edit of random edit sequences on generated model files', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(editArbitrary, { minLength: 1, maxLength: 6 }), fc.boolean(), (seed, edits, crlf) => {
        runSequence(generateModelFile(700, 500 + seed), edits, crlf);
      }),
      { numRuns: 25 },
    );
  });

  it('equals a full analysis on the 5,000-line benchmark file through typing, an unclosed bracket and its repair', () => {
    const base = generateModelFile(5000);
    const at = base.indexOf('self.', base.length >> 1);
    const lineEnd = base.indexOf('\n', at);
    const states = [
      base,
      `${base.slice(0, at)}x${base.slice(at)}`,
      `${base.slice(0, lineEnd)}(${base.slice(lineEnd)}`,
      `${base.slice(0, lineEnd)}(x${base.slice(lineEnd)}`,
      base,
      `${base.slice(0, lineEnd)}\n${base.slice(lineEnd)}`,
    ];
    const session = new Session();
    try {
      states.forEach((text, index) => assertSame(text, session.analyze(text), `state ${index}`));
    } finally {
      session.dispose();
    }
  });

  it("equals a full analysis after random edits of other frameworks' files (adapters without per-class reuse)", () => {
    const others = ['keras', 'flax'].flatMap((framework) => {
      const dir = path.join(__dirname, '..', '..', 'fixtures', framework);
      return fs.existsSync(dir)
        ? fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.py'))
            .sort()
            .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
        : [];
    });
    if (others.length === 0) {
      return;
    }
    fc.assert(
      fc.property(fc.nat(others.length - 1), fc.array(editArbitrary, { minLength: 1, maxLength: 6 }), fc.boolean(), (index, edits, crlf) => {
        runSequence(others[index]!, edits, crlf);
      }),
      { numRuns: 40 },
    );
  });

  it('rebuilds a class when another class changes a module-level value it reads', () => {
    const base = [
      'import torch',
      'import torch.nn as nn',
      '',
      'REGISTRY = []',
      '',
      'class Writer(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        REGISTRY.append(1)',
      '        self.fc = nn.Linear(4, 4)',
      '',
      'class Reader(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(len(REGISTRY) * 4 + 4, 8)',
      '',
      '    def forward(self, x):',
      '        return torch.relu(self.fc(x))',
      '',
    ].join('\n');
    const edited = base.replace('        REGISTRY.append(1)\n', '        REGISTRY.append(1)\n        REGISTRY.append(2)\n');
    const session = new Session();
    try {
      assertSame(base, session.analyze(base), 'base');
      const analysis = session.analyze(edited);
      assertSame(edited, analysis, 'edited');
      // Reader's fan-in follows Writer's appends: 1 item before, 2 after.
      assert.equal(analysis.graph.models.find((m) => m.name === 'Reader')?.layers[0]?.fanIn, 12);
    } finally {
      session.dispose();
    }
  });

  it('rebuilds a class when the main block changes a module-level value it reads (the block runs with the module)', () => {
    const base = [
      'import torch.nn as nn',
      '',
      'WIDTHS = [4]',
      '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(len(WIDTHS) * 8, 4)',
      '',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
      'if __name__ == "__main__":',
      '    WIDTHS.append(8)',
      '',
    ].join('\n');
    const edited = base.replace('    WIDTHS.append(8)\n', '    WIDTHS.append(8)\n    WIDTHS.append(9)\n');
    const session = new Session();
    try {
      assertSame(base, session.analyze(base), 'base');
      const analysis = session.analyze(edited);
      assertSame(edited, analysis, 'edited');
      assert.equal(analysis.graph.models.find((m) => m.name === 'Net')?.layers[0]?.fanIn, 24);
    } finally {
      session.dispose();
    }
  });

  it('rebuilds an entry point when a class it does not mention changes a module-level value its model reads', () => {
    const base = [
      'import torch',
      'import torch.nn as nn',
      '',
      'REGISTRY = []',
      '',
      'class Writer(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        REGISTRY.append(1)',
      '        self.fc = nn.Linear(4, 4)',
      '',
      'class Reader(nn.Module):',
      '    def __init__(self, extra=0):',
      '        super().__init__()',
      '        self.fc = nn.Linear(len(REGISTRY) * 4 + 4 + extra, 8)',
      '',
      '    def forward(self, x):',
      '        return torch.relu(self.fc(x))',
      '',
      'if __name__ == "__main__":',
      '    reader = Reader(extra=1)',
      '',
    ].join('\n');
    const edited = base.replace('        REGISTRY.append(1)\n', '        REGISTRY.append(1)\n        REGISTRY.append(2)\n');
    const session = new Session();
    try {
      assertSame(base, session.analyze(base), 'base');
      assertSame(`${base}\n`, session.analyze(`${base}\n`), 'unchanged');
      assert.ok(session.cache.stats.classesReused >= 3, `${session.cache.stats.classesReused} reused`);
      assertSame(edited, session.analyze(edited), 'edited');
    } finally {
      session.dispose();
    }
  });

  it("says a reused model's size notes again (the model was bounded in place when first built)", () => {
    const base = [
      'import torch.nn as nn',
      '',
      'class Odd(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(2.5, 4)',
      '',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
      'class Plain(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(3, 4)',
      '',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
    ].join('\n');
    const session = new Session();
    try {
      assertSame(base, session.analyze(base), 'base');
      // Another class changes: Odd is reused as it was; then a line above it moves it.
      const edited = base.replace('Linear(3, 4)', 'Linear(3, 5)');
      const analysis = session.analyze(edited);
      assert.equal(session.cache.stats.classesReused, 1);
      assertSame(edited, analysis, 'edited');
      assert.ok(analysis.graph.notes.some((note) => note.startsWith('Odd: fc: fan_in 2.5 is not a size')));
      const moved = `# a comment\n${edited}`;
      assertSame(moved, session.analyze(moved), 'moved');
      assert.equal(session.cache.stats.classesReused, 2);
    } finally {
      session.dispose();
    }
  });

  it('reuses what an edit did not touch', () => {
    const base = generateModelFile(2000);
    const session = new Session();
    try {
      session.analyze(base);
      const first = { ...session.cache.stats };
      assert.equal(first.classesReused, 0);
      assert.ok(first.classesBuilt > 20, `${first.classesBuilt} classes built`);
      // One character inside one identifier of a method body.
      const at = base.indexOf('self.', base.length >> 1) + 6;
      session.analyze(`${base.slice(0, at)}x${base.slice(at)}`);
      const stats = session.cache.stats;
      assert.ok(stats.statementsCopied <= 1, `${stats.statementsCopied} statements copied`);
      assert.ok(stats.classesBuilt <= 3, `${stats.classesBuilt} classes rebuilt`);
      assert.ok(stats.classesReused >= first.classesBuilt - 3);
      assert.ok(stats.adviceReused >= first.classesBuilt - 6, `${stats.adviceReused} advice reused`);
      // An unclosed bracket: the broken path parses only the changed block.
      const lineEnd = base.indexOf('\n', at);
      session.analyze(`${base.slice(0, lineEnd)}(${base.slice(lineEnd)}`);
      session.analyze(`${base.slice(0, lineEnd)}(x${base.slice(lineEnd)}`);
      assert.ok(session.cache.stats.blocksParsed <= 1, `${session.cache.stats.blocksParsed} blocks parsed`);
      assert.ok(session.cache.stats.blocksReused > 20);
    } finally {
      session.dispose();
    }
  });
});
