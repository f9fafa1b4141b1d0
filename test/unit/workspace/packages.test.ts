/**
 * Packages as Python imports them: a relative import runs the packages above the importer and the
 * module first (each `__init__.py` once per analysis, as `sys.modules` does), and each module runs
 * under its dotted name. Fixture: test/fixtures/workspace/torchnest/ (a nested package `zoo` with a
 * registry filled by decorators, `__all__` and star re-exports, a cycle through `__init__.py`).
 */
import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../src/core/engine';
import { textHash } from '../../../src/core/workspace/hash';
import { WorkspaceImports } from '../../../src/core/workspace/workspaceImports';
import { DependentsIndex } from '../../../src/editor/dependentsIndex';
import { loadGrammar } from '../support/python';
import { analyzeFixture, describeLayer, snapshotOf } from './support';

/** The fixture's paths as the tests state them (relative to its folder). */
function shortPaths(paths: string[] | undefined): string[] {
  return (paths ?? []).map((path) => path.replace(/^.*\/torchnest\//, '')).sort();
}

const EVERY_ZOO_FILE = [
  'zoo/__init__.py',
  'zoo/layers/__init__.py',
  'zoo/layers/conv.py',
  'zoo/layers/mlp.py',
  'zoo/models/__init__.py',
  'zoo/models/blocks.py',
  'zoo/models/tiny.py',
  'zoo/models/wide.py',
  'zoo/registry.py',
];

const MISSING_BLOCKS = /^(zoo\/models\/)?wide\.py line 6: no workspace file holds the module \.missing_blocks: its names are symbols$/;

describe('workspace imports: packages run before their modules', () => {
  before(loadGrammar);

  it('a relative import runs zoo/__init__.py first: the registry its model files fill is there to build from', () => {
    // factory.py imports only ..layers.mlp and ..registry; without the package run first the registry is empty
    // (and len(list_models()) would be a wrong 0).
    const { graph } = analyzeFixture('torchnest', 'zoo/models/factory.py');
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'backbone.stem Conv2d(27→144) default → none @conv.py:11',
      'backbone.block.body.conv Conv2d(144→144) default → silu @conv.py:11',
      'backbone.block.proj Conv2d(144→144) kaiming_normal → none @conv.py:11',
      'backbone.head Linear(16→4) default → none @tiny.py:15',
      // tiny_net and wide_net, each registered once.
      'mlp.fc1 Linear(4→8) trunc_normal → gelu @mlp.py:9',
      'mlp.fc2 Linear(8→4) default → none @mlp.py:11',
    ]);
    assert.equal(graph.notes.length, 1);
    assert.match(graph.notes[0]!, MISSING_BLOCKS);
    assert.deepEqual(shortPaths(graph.dependencies?.map((dependency) => dependency.path)), EVERY_ZOO_FILE);
  });

  it('every relative form: from .. import x, from . import mod, from .mod import x, from ..pkg.mod import x; __name__ and __package__', () => {
    const { graph } = analyzeFixture('torchnest', 'zoo/models/head.py');
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      // The registry's wide_net: WideNet of wide.py, its Block through `from . import blocks`, its Mlp through `from ..layers.mlp`.
      'backbone.stem Conv2d(27→288) default → none @wide.py:12',
      'backbone.block.body.conv Conv2d(288→288) default → silu @conv.py:11',
      'backbone.block.proj Conv2d(288→288) kaiming_normal → none @conv.py:11',
      'backbone.mlp.fc1 Linear(32→128) trunc_normal → gelu @mlp.py:9',
      'backbone.mlp.fc2 Linear(128→32) default → none @mlp.py:11',
      'backbone.head Linear(32→4) default → none @wide.py:15',
      // conv.py ran as zoo.layers.conv in zoo.layers; DEFAULT_ACT is the package's SiLU.
      'fc Linear(4→4) default → silu @here:18',
      'tiny.stem Conv2d(27→72) default → unknown @conv.py:11',
      'tiny.block.body.conv Conv2d(72→72) default → unknown @conv.py:11',
      'tiny.block.proj Conv2d(72→72) kaiming_normal → unknown @conv.py:11',
      'tiny.head Linear(8→10) default → unknown @tiny.py:15',
      // `Block is tiny.Block`: one module object, however it is reached.
      'same.body.conv Conv2d(72→72) default → unknown @conv.py:11',
      'same.proj Conv2d(72→72) kaiming_normal → unknown @conv.py:11',
    ]);
    assert.equal(graph.notes.length, 1);
    assert.match(graph.notes[0]!, MISSING_BLOCKS);
  });

  it('absolute imports of the package: re-exports, __all__ and star, one module object per file, each file run once', () => {
    const { graph } = analyzeFixture('torchnest', 'classify.py');
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'backbone.stem Conv2d(27→144) default → none @conv.py:11',
      'backbone.block.body.conv Conv2d(144→144) default → silu @conv.py:11',
      'backbone.block.proj Conv2d(144→144) kaiming_normal → none @conv.py:11',
      'backbone.head Linear(16→8) default → none @tiny.py:15',
      // Mlp through zoo.layers' __all__; its width counts the registrations: 2, though tiny.py is imported twice.
      'mlp.fc1 Linear(8→16) trunc_normal → gelu @mlp.py:9',
      'mlp.fc2 Linear(16→8) default → none @mlp.py:11',
      'out Linear(8→2) default → silu @here:19',
      // `Block is SameBlock`: zoo's re-export and zoo.models.blocks' class are one object.
      'extra.body.conv Conv2d(144→144) default → unknown @conv.py:11',
      'extra.proj Conv2d(144→144) kaiming_normal → unknown @conv.py:11',
    ]);
    assert.equal(graph.notes.length, 1);
    assert.match(graph.notes[0]!, MISSING_BLOCKS);
  });

  it('a module its own package imports while it is analysed: the package sees the partial module, with a note', () => {
    // zoo/layers/__init__.py runs `from .mlp import Mlp` before mlp.py has bound Mlp (as in an import cycle).
    const { graph } = analyzeFixture('torchnest', 'zoo/layers/mlp.py');
    assert.equal(graph.models[0]!.name, 'Mlp');
    assert.ok(graph.notes.includes('__init__.py line 2: .mlp binds no Mlp (yet): it is a symbol'), graph.notes.join('\n'));
    // No note blames a module that exists.
    assert.ok(!graph.notes.some((note) => /holds the module \.mlp/.test(note)), graph.notes.join('\n'));
  });

  it('a change to pkg/__init__.py re-analyses the files that import from pkg, relative or absolute, and only those', () => {
    // The package sets the default activation its blocks build (as a package-level configuration call does).
    const init = (act: string) => `import torch.nn as nn\n\nfrom .blocks import Block, set_default_act\n\nset_default_act(nn.${act})\n`;
    const blocks = [
      'import torch.nn as nn',
      '',
      '_DEFAULTS = {"act": nn.ReLU}',
      '',
      '',
      'def set_default_act(act):',
      '    _DEFAULTS["act"] = act',
      '',
      '',
      'class Block(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(8, 8)',
      '        self.act = _DEFAULTS["act"]()',
      '',
      '    def forward(self, x):',
      '        return self.act(self.fc(x))',
      '',
    ].join('\n');
    const relative =
      'import torch.nn as nn\n\nfrom .blocks import Block\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = Block()\n\n    def forward(self, x):\n        return self.b(x)\n';
    const absolute = relative.replace('from .blocks import Block', 'from pkg import Block');
    // A file outside the package, importing a module beside it: it reads no pkg file.
    const lone = 'import torch.nn as nn\n\nfrom other import X\n';
    const analyse = (initText: string) => {
      const files = { '/ws/pkg/__init__.py': initText, '/ws/pkg/blocks.py': blocks, '/ws/other.py': 'X = 1\n' };
      const imports = new WorkspaceImports(snapshotOf(files), { folders: ['/ws'] });
      const index = new DependentsIndex();
      const graphs = new Map<string, ReturnType<typeof analyzeFile>['graph']>();
      for (const [path, text] of [
        ['/ws/pkg/net.py', relative],
        ['/ws/app.py', absolute],
        ['/ws/lone.py', lone],
      ] as const) {
        const { graph } = analyzeFile(text, path, { imports });
        graphs.set(path, graph);
        index.record(path, graph);
      }
      return { index, graphs };
    };
    const before = analyse(init('ReLU'));
    const activation = (graphs: typeof before.graphs, path: string) => {
      const layer = graphs.get(path)!.models[0]!.layers[0]!;
      return layer.activation === null || layer.activation === 'unknown' ? String(layer.activation) : layer.activation.name;
    };
    assert.equal(activation(before.graphs, '/ws/pkg/net.py'), 'relu');
    assert.equal(activation(before.graphs, '/ws/app.py'), 'relu');
    assert.deepEqual(
      before.graphs.get('/ws/lone.py')!.dependencies?.map((dependency) => dependency.path),
      ['/ws/other.py'],
    );
    assert.deepEqual(before.index.changed('/ws/pkg/__init__.py', textHash(init('Tanh'))).sort(), ['/ws/app.py', '/ws/pkg/net.py']);
    const after = analyse(init('Tanh'));
    assert.equal(activation(after.graphs, '/ws/pkg/net.py'), 'tanh');
    assert.equal(activation(after.graphs, '/ws/app.py'), 'tanh');
  });
});
