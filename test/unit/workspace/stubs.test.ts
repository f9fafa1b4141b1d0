import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../src/core/engine';
import type { AsyncWorkspaceFiles } from '../../../src/core/workspace/files';
import { loadImportClosure } from '../../../src/core/workspace/loader';
import { WorkspaceImports } from '../../../src/core/workspace/workspaceImports';
import { loadGrammar } from '../support/python';
import { describeLayer, snapshotOf } from './support';

const MODEL = [
  'import torch.nn as nn',
  'from timm.layers import Mlp',
  'from .blocks import Head',
  '',
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.mlp = Mlp(8, 16)',
  '        self.head = Head()',
  '',
  '    def forward(self, x):',
  '        return self.head(self.mlp(x))',
  '',
].join('\n');
const HEAD = [
  'import torch.nn as nn',
  '',
  'class Head(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.fc = nn.Linear(8, 2)',
  '',
  '    def forward(self, x):',
  '        return self.fc(x)',
  '',
].join('\n');

describe('workspace imports: bundled model stubs', () => {
  before(loadGrammar);

  it('a library import reads its stub after the workspace modules; the stub is no dependency and is shown as <stubs>/…', () => {
    const imports = new WorkspaceImports(snapshotOf({ '/ws/app/__init__.py': '', '/ws/app/blocks.py': HEAD }), { folders: ['/ws'] });
    const { graph } = analyzeFile(MODEL, '/ws/app/model.py', { imports });
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'mlp.fc1 Linear(8→16) default → gelu @mlp.py:18',
      'mlp.drop1 Dropout(null→null) - → none @mlp.py:20',
      'mlp.fc2 Linear(16→8) default → none @mlp.py:22',
      'mlp.drop2 Dropout(null→null) - → none @mlp.py:23',
      'head.fc Linear(8→2) default → none @blocks.py:6',
    ]);
    assert.equal(graph.models[0]!.layers[0]!.range.path, '<stubs>/timm/layers/mlp.py');
    assert.deepEqual(
      graph.dependencies?.map((dependency) => dependency.path),
      // The package's __init__.py runs before its blocks (a relative import): read, so a dependency.
      ['/ws/app/__init__.py', '/ws/app/blocks.py'],
    );
    assert.deepEqual(graph.notes, []);
  });

  it('user code wins: a workspace module of the library’s name is read instead of the stub', () => {
    const own = [
      'import torch.nn as nn',
      '',
      'class Mlp(nn.Module):',
      '    def __init__(self, a, b):',
      '        super().__init__()',
      '        self.only = nn.Linear(a, b)',
      '',
      '    def forward(self, x):',
      '        return self.only(x)',
      '',
    ].join('\n');
    const files = snapshotOf({ '/ws/app/__init__.py': '', '/ws/app/blocks.py': HEAD, '/ws/timm/__init__.py': '', '/ws/timm/layers.py': own });
    const { graph } = analyzeFile(MODEL, '/ws/app/model.py', { imports: new WorkspaceImports(files, { folders: ['/ws'] }) });
    assert.deepEqual(
      graph.models[0]!.layers.map((layer) => `${layer.name} @${layer.range.path}`),
      ['mlp.only @/ws/timm/layers.py', 'head.fc @/ws/app/blocks.py'],
    );
  });

  it('the editor’s asynchronous loader never asks the workspace for a stub, and the snapshot analyses the same', async () => {
    const asked: string[] = [];
    const disk: AsyncWorkspaceFiles = {
      exists: async (path) => {
        asked.push(path);
        return path === '/ws/app/__init__.py' || path === '/ws/app/blocks.py' || path === '/ws/app' || path === '/ws';
      },
      read: async (path) => {
        asked.push(path);
        return path === '/ws/app/blocks.py' ? HEAD : path === '/ws/app/__init__.py' ? '' : undefined;
      },
    };
    const layout = { folders: ['/ws'] };
    const loaded = await loadImportClosure(disk, layout, '/ws/app/model.py', MODEL);
    assert.deepEqual(
      asked.filter((path) => path.includes('<stubs>')),
      [],
    );
    const { graph } = analyzeFile(MODEL, '/ws/app/model.py', { imports: new WorkspaceImports(loaded.files, layout) });
    assert.equal(graph.models[0]!.layers.length, 5);
  });

  it('a file analysed on its own reads the stubs but keeps its relative imports as symbols, as before', () => {
    const { graph } = analyzeFile(MODEL, '/ws/app/model.py');
    assert.deepEqual(
      graph.models[0]!.layers.map((layer) => layer.name),
      ['mlp.fc1', 'mlp.drop1', 'mlp.fc2', 'mlp.drop2'],
    );
    assert.equal(graph.dependencies, undefined);
    assert.ok(
      graph.notes.some((note) => /the module \.blocks is not followed \(relative import\)/.test(note)),
      graph.notes.join('\n'),
    );
  });
});
