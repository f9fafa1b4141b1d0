import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../src/core/engine';
import { IncrementalCache } from '../../../src/core/incremental/cache';
import type { AsyncWorkspaceFiles } from '../../../src/core/workspace/files';
import { loadImportClosure } from '../../../src/core/workspace/loader';
import { WorkspaceImports } from '../../../src/core/workspace/workspaceImports';
import { loadGrammar } from '../support/python';
import { describeLayer, snapshotOf } from './support';

/** An in-memory workspace read asynchronously (as the editor reads through vscode.workspace.fs), counting reads. */
function memoryFiles(files: Record<string, string>): AsyncWorkspaceFiles & { reads: string[]; probes: string[] } {
  const folders = new Set<string>();
  for (const path of Object.keys(files)) {
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
      folders.add(path.slice(0, at));
    }
  }
  const reads: string[] = [];
  const probes: string[] = [];
  return {
    reads,
    probes,
    exists: async (path) => {
      probes.push(path);
      return path in files || folders.has(path);
    },
    read: async (path) => {
      reads.push(path);
      return files[path];
    },
  };
}

const BLOCKS = [
  'import torch.nn as nn',
  '',
  'class Block(nn.Module):',
  '    def __init__(self, d):',
  '        super().__init__()',
  '        self.fc = nn.Linear(d, d)',
  '',
  '    def forward(self, x):',
  '        return self.fc(x).relu()',
  '',
].join('\n');
const MODEL = [
  'import numpy as np',
  'import torch.nn as nn',
  'from pkg.blocks import Block',
  '',
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.a = Block(8)',
  '        self.b = Block(8)',
  '',
  '    def forward(self, x):',
  '        return self.b(self.a(x))',
  '',
].join('\n');

describe('workspace imports: loading a closure and analysing from the snapshot', () => {
  before(loadGrammar);

  it('loads exactly the closure asynchronously, then analyses synchronously from the snapshot', async () => {
    const disk = memoryFiles({ '/ws/pkg/__init__.py': '', '/ws/pkg/blocks.py': BLOCKS, '/ws/pkg/unused.py': 'x = 1\n' });
    const layout = { folders: ['/ws'] };
    // The analysed file's text is the editor's (unsaved): it need not be on disk.
    const loaded = await loadImportClosure(disk, layout, '/ws/app/model.py', MODEL);
    assert.deepEqual(loaded.notes, []);
    assert.deepEqual(disk.reads.sort(), ['/ws/pkg/__init__.py', '/ws/pkg/blocks.py']);
    assert.ok(!disk.probes.some((path) => /numpy|torch/.test(path)), 'framework and library modules are not looked for');
    const imports = new WorkspaceImports(loaded.files, layout);
    const { graph } = analyzeFile(MODEL, '/ws/app/model.py', { imports });
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'a.fc Linear(8→8) default → relu @blocks.py:6',
      'b.fc Linear(8→8) default → relu @blocks.py:6',
    ]);
    assert.deepEqual(
      graph.dependencies?.map((dependency) => dependency.path),
      ['/ws/pkg/__init__.py', '/ws/pkg/blocks.py'],
    );
  });

  it('keeps the closure within its bounds, with a note', async () => {
    const chain: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      chain[`/ws/m${i}.py`] = `from m${i + 1} import *\nX${i} = ${i}\n`;
    }
    const loaded = await loadImportClosure(memoryFiles(chain), { folders: ['/ws'] }, '/ws/main.py', 'from m0 import *\n', { files: 5, bytes: 1e6, depth: 50 });
    assert.equal(loaded.files.loadedFiles().length, 6);
    assert.ok(loaded.notes.some((note) => note.includes('over 5 files')));
  });

  it('does not let the incremental memo reuse a model whose imported file changed', () => {
    const cache = new IncrementalCache();
    const files = (blocks: string) => new WorkspaceImports(snapshotOf({ '/ws/pkg/__init__.py': '', '/ws/pkg/blocks.py': blocks }), { folders: ['/ws'] });
    const first = analyzeFile(MODEL, '/ws/app/model.py', { imports: files(BLOCKS), incremental: cache });
    assert.equal(first.graph.models[0]!.layers[0]!.activation !== 'unknown' && first.graph.models[0]!.layers[0]!.activation?.name, 'relu');
    const again = analyzeFile(MODEL, '/ws/app/model.py', { imports: files(BLOCKS), incremental: cache });
    assert.equal(cache.stats.classesReused, 1, 'unchanged imports: the model is reused');
    assert.deepEqual(again.graph.models[0]!.layers.map(describeLayer), first.graph.models[0]!.layers.map(describeLayer));
    const tanh = BLOCKS.replace('.relu()', '.tanh()');
    const changed = analyzeFile(MODEL, '/ws/app/model.py', { imports: files(tanh), incremental: cache });
    assert.equal(cache.stats.classesReused, 0);
    assert.deepEqual(changed.graph.models[0]!.layers.map(describeLayer), [
      'a.fc Linear(8→8) default → tanh @blocks.py:6',
      'b.fc Linear(8→8) default → tanh @blocks.py:6',
    ]);
    assert.notEqual(changed.graph.dependencies![1]!.hash, first.graph.dependencies![1]!.hash);
  });

  it('reads a file that imports itself and a module that is not in the workspace, with notes and no error', () => {
    const text = [
      'import torch.nn as nn',
      'import main as me',
      'from pkg.nothing import Thing',
      'W = 4',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(me.W, 2)',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
    ].join('\n');
    const imports = new WorkspaceImports(snapshotOf({ '/ws/main.py': text, '/ws/pkg/__init__.py': '' }), { folders: ['/ws'] });
    const { graph } = analyzeFile(text, '/ws/main.py', { imports });
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), ['fc Linear(4→2) default → none @here:8']);
    assert.deepEqual(graph.notes, ['line 3: no workspace file holds the module pkg.nothing: its names are symbols']);
  });
});
