/**
 * The memo of module runs (src/core/python/eval/moduleReplay.ts): unchanged top-level definitions
 * are bound again instead of run, and the analysis still equals a fresh one after edits that change
 * what a definition reads, a base class, a registry, a list mutated later, the class `__main__`
 * builds, and a parse broken in the middle of the file.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import { IncrementalCache } from '../../../src/core/incremental/cache';
import { DocumentTrees } from '../../../src/core/python/documentTrees';
import { loadGrammar } from '../support/python';

/** Analyses each text in turn through one memo; each result must equal a fresh analysis. Returns the memo's stats per text. */
function replaySequence(texts: string[]): { analyses: FileAnalysis[]; stats: IncrementalCache['stats'][] } {
  const trees = new DocumentTrees();
  const cache = new IncrementalCache();
  const analyses: FileAnalysis[] = [];
  const stats: IncrementalCache['stats'][] = [];
  try {
    texts.forEach((text, index) => {
      const analysis = analyzeFile(text, 'model.py', { tree: trees.update('doc', text), incremental: cache });
      assert.deepStrictEqual(analysis, analyzeFile(text, 'model.py'), `text ${index + 1}`);
      analyses.push(analysis);
      stats.push({ ...cache.stats });
    });
  } finally {
    trees.dispose();
  }
  return { analyses, stats };
}

const fanIn = (analysis: FileAnalysis, model: string, layer = 0) => analysis.graph.models.find((m) => m.name === model)?.layers[layer]?.fanIn;

const HEADER = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', ''];

const block = (name: string, width: string) => [
  `class ${name}(nn.Module):`,
  `    scale = ${width}`,
  '',
  '    def __init__(self, k: int = 2):',
  '        super().__init__()',
  `        self.fc = nn.Linear(${width}, ${width} * k)`,
  '',
  '    def forward(self, x):',
  '        return F.relu(self.fc(x))',
  '',
];

describe('module replay', () => {
  before(loadGrammar);

  it('binds unchanged definitions again instead of running them, and counts them', () => {
    const base = [...HEADER, ...block('A', '8'), ...block('B', '16'), ...block('C', '32')].join('\n');
    const edited = base.replace('nn.Linear(16, 16 * k)', 'nn.Linear(16, 16 * k + 1)');
    const { stats, analyses } = replaySequence([base, edited]);
    assert.equal(stats[0]!.definitionsReplayed, 0);
    // A and C are bound again; B changed and runs, as do the imports.
    assert.equal(stats[1]!.definitionsReplayed, 2);
    assert.equal(analyses[1]!.graph.models.find((m) => m.name === 'B')?.layers[0]?.fanOut, 33);
  });

  it('runs a class again when a global its body reads changes', () => {
    const base = [
      ...HEADER,
      'WIDTH = 8',
      '',
      'class Net(nn.Module):',
      '    width = WIDTH',
      '',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(self.width, 4)',
      '',
    ].join('\n');
    const { analyses } = replaySequence([base, base.replace('WIDTH = 8', 'WIDTH = 12'), base]);
    assert.deepEqual(
      analyses.map((a) => fanIn(a, 'Net')),
      [8, 12, 8],
    );
  });

  it('runs a class again when its base class changes, and keeps isinstance true for instances of the new class', () => {
    const base = [
      ...HEADER,
      'class Base(nn.Module):',
      '    width = 8',
      '',
      'class Net(Base):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(self.width, 4)',
      '        if isinstance(self, Base):',
      '            self.out = nn.Linear(4, 2)',
      '',
    ].join('\n');
    const { analyses } = replaySequence([base, base.replace('width = 8', 'width = 10'), base]);
    assert.deepEqual(
      analyses.map((a) => fanIn(a, 'Net')),
      [8, 10, 8],
    );
    assert.deepEqual(
      analyses.map((a) => a.graph.models.find((m) => m.name === 'Net')?.layers.length),
      [2, 2, 2],
    );
  });

  it('runs a decorator that fills a registry at module level, with the replayed classes it is handed', () => {
    const base = [
      ...HEADER,
      'REGISTRY = {}',
      '',
      'def register(cls):',
      '    REGISTRY[cls.__name__] = cls',
      '    return cls',
      '',
      ...block('A', '8'),
      ...block('B', '16'),
      'register(A)',
      '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.body = REGISTRY["A"]()',
      '',
    ].join('\n');
    const { analyses, stats } = replaySequence([base, base.replace('register(A)', 'register(B)\nREGISTRY["A"] = B'), base]);
    assert.ok(stats[1]!.definitionsReplayed > 0);
    assert.deepEqual(
      analyses.map((a) => a.graph.models.find((m) => m.name === 'Net')?.layers[0]?.fanIn),
      [8, 16, 8],
    );
  });

  it('sees a module-level list a later statement mutates, in a replayed class reading it when built', () => {
    const base = [
      ...HEADER,
      'WIDTHS = [4]',
      '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(sum(WIDTHS), 2)',
      '',
      ...block('Other', '8'),
      'WIDTHS.append(4)',
      '',
    ].join('\n');
    const { analyses, stats } = replaySequence([
      base,
      base.replace('WIDTHS.append(4)', 'WIDTHS.append(6)'),
      base.replace('nn.Linear(8, 8 * k)', 'nn.Linear(8, 9)'),
    ]);
    assert.ok(stats[1]!.definitionsReplayed >= 2);
    assert.deepEqual(
      analyses.map((a) => fanIn(a, 'Net')),
      [8, 10, 8],
    );
  });

  it('runs __main__ again when the class it builds changes, and a class attribute it changes is restored', () => {
    const base = [
      ...HEADER,
      'SEED = 1',
      '',
      'class Net(nn.Module):',
      '    count = 0',
      '',
      '    def __init__(self):',
      '        super().__init__()',
      '        Net.count += 1',
      '        self.fc = nn.Linear(4 + Net.count, 4)',
      '',
      ...block('Other', '8'),
      'if __name__ == "__main__":',
      '    model = Net()',
      '',
    ].join('\n');
    // A module-level change every model depends on: Net is built again from its replayed class, whose `count` the last run raised.
    const texts = [base, base.replace('SEED = 1', 'SEED = 2'), base.replace('4 + Net.count', '5 + Net.count'), base];
    const { analyses, stats } = replaySequence(texts);
    assert.ok(stats[1]!.definitionsReplayed >= 2);
    const fanIns = (analysis: FileAnalysis) => analysis.graph.models.filter((m) => m.name === 'model').map((m) => [m.name, m.layers.map((l) => l.fanIn)]);
    // Built once by __main__ and once by the entry point: count is 2 when the model's layer is made.
    assert.deepEqual(fanIns(analyses[0]!), [['model', [7]]]);
    assert.deepEqual(fanIns(analyses[1]!), fanIns(analyses[0]!));
    assert.deepEqual(fanIns(analyses[2]!), [['model', [8]]]);
    assert.deepEqual(fanIns(analyses[3]!), fanIns(analyses[0]!));
  });

  it('equals a fresh analysis when an edit breaks the parse in the middle of the file, and after its repair', () => {
    const base = [...HEADER, ...block('A', '8'), ...block('B', '16'), ...block('C', '32')].join('\n');
    const broken = base.replace('self.fc = nn.Linear(16, 16 * k)', 'self.fc = nn.Linear(16, (16 * k)');
    const { analyses, stats } = replaySequence([base, broken, base, base.replace('32 * k', '32 * k + 2')]);
    assert.ok(analyses[1]!.graph.notes.some((note) => note.includes('syntax errors')));
    assert.ok(stats[3]!.definitionsReplayed >= 2);
  });

  it('replays a dataclass config and the classes that read it, and puts back a list default a build mutated', () => {
    const base = [
      ...HEADER,
      'from dataclasses import dataclass',
      '',
      'SEED = 1',
      '',
      '@dataclass',
      'class Config:',
      '    width: int = 8',
      '    depth: int = 2',
      '',
      'class Net(nn.Module):',
      '    def __init__(self, config: Config = Config(), widths=[4, 4]):',
      '        super().__init__()',
      '        widths.append(config.width)',
      '        self.fc = nn.Linear(sum(widths), config.depth)',
      '',
      'class Plain(nn.Module):',
      '    def __init__(self, cfg: Config, widths=[4, 4]):',
      '        super().__init__()',
      '        widths.append(2)',
      '        self.fc = nn.Linear(len(widths), 3)',
      '',
      'if __name__ == "__main__":',
      '    model = Plain(Config())',
      '',
    ].join('\n');
    const texts = [
      base,
      base.replace('SEED = 1', 'SEED = 2'),
      base.replace('width: int = 8', 'width: int = 6'),
      base.replace('SEED = 1', 'SEED = 3'),
      base.replace('SEED = 1', 'SEED = 4'),
    ];
    const { analyses, stats } = replaySequence(texts);
    // Config and Plain are replayed after an edit elsewhere (Net calls Config() in a default: it runs); a changed Config runs both.
    assert.deepEqual(
      stats.map((s) => s.definitionsReplayed),
      [0, 2, 0, 0, 2],
    );
    const plain = analyses.map((a) => a.graph.models.find((m) => m.name === 'model')?.layers[0]?.fanIn);
    assert.deepEqual(plain, [5, 5, 5, 5, 5]);
  });
});
