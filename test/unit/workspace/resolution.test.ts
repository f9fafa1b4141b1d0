import { strict as assert } from 'node:assert';
import { importClosure } from '../../../src/core/workspace/closure';
import { scanImports } from '../../../src/core/workspace/importScan';
import { packageRootOf, searchRoots } from '../../../src/core/workspace/layout';
import { joinPath, normalizePath, shownFrom } from '../../../src/core/workspace/paths';
import { moduleNameOf, resolveModule } from '../../../src/core/workspace/resolve';
import { snapshotOf } from './support';

const PROJECT = snapshotOf({
  '/ws/mynet/__init__.py': 'from .blocks import Block\n',
  '/ws/mynet/blocks.py': 'from .layers import *\n',
  '/ws/mynet/layers/__init__.py': '',
  '/ws/mynet/layers/conv.py': 'from ..blocks import Block\n',
  '/ws/mynet/model.py': 'import mynet.blocks as B\n',
  '/ws/src/srcpkg/__init__.py': '',
  '/ws/src/srcpkg/core.py': '',
  '/ws/scripts/train.py': 'from helpers import x\n',
  '/ws/scripts/helpers.py': '',
  '/ws/nsroot/nspkg/part.py': '',
  '/extra/vendor/lib.py': '',
  '/ws/torch/nn.py': '',
});
const LAYOUT = { folders: ['/ws'], extraPaths: ['/extra/vendor'] };

describe('workspace imports: resolution', () => {
  it('resolves relative imports by counting folders up from the importing file', () => {
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', '.blocks'), { path: '/ws/mynet/blocks.py' });
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/mynet/layers/conv.py', '..blocks'), { path: '/ws/mynet/blocks.py' });
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', '.'), { path: '/ws/mynet/__init__.py', folder: '/ws/mynet' });
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', '.layers'), { path: '/ws/mynet/layers/__init__.py', folder: '/ws/mynet/layers' });
    assert.equal(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', '.missing'), undefined);
  });

  it('searches absolute imports in the package root, the folders, src/ layouts and extra paths, in order', () => {
    assert.deepEqual(searchRoots(PROJECT, LAYOUT, '/ws/mynet/layers/conv.py'), ['/ws', '/ws/src', '/extra/vendor']);
    assert.deepEqual(searchRoots(PROJECT, LAYOUT, '/ws/scripts/train.py'), ['/ws/scripts', '/ws', '/ws/src', '/extra/vendor']);
    assert.equal(packageRootOf(PROJECT, '/ws/mynet/layers/conv.py'), '/ws');
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', 'mynet.blocks'), { path: '/ws/mynet/blocks.py' });
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/scripts/train.py', 'helpers'), { path: '/ws/scripts/helpers.py' });
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/scripts/train.py', 'srcpkg.core'), { path: '/ws/src/srcpkg/core.py' });
    assert.deepEqual(resolveModule(PROJECT, LAYOUT, '/ws/scripts/train.py', 'lib'), { path: '/extra/vendor/lib.py' });
    // The script folder of another file is not searched.
    assert.equal(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', 'helpers'), undefined);
  });

  it('lets --root replace the package root and the folders', () => {
    const layout = { folders: ['/ws'], root: '/ws/scripts' };
    assert.deepEqual(searchRoots(PROJECT, layout, '/ws/mynet/model.py'), ['/ws/scripts']);
    assert.deepEqual(resolveModule(PROJECT, layout, '/ws/mynet/model.py', 'helpers'), { path: '/ws/scripts/helpers.py' });
    assert.equal(resolveModule(PROJECT, layout, '/ws/mynet/model.py', 'mynet.blocks'), undefined);
  });

  it('never looks for framework or standard-library modules in the workspace, even when a folder has the name', () => {
    assert.equal(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', 'torch.nn'), undefined);
    assert.equal(resolveModule(PROJECT, LAYOUT, '/ws/mynet/model.py', 'math'), undefined);
  });

  it('takes a folder without __init__.py as a namespace package', () => {
    const layout = { folders: ['/ws/nsroot'] };
    assert.deepEqual(resolveModule(PROJECT, layout, '/ws/scripts/train.py', 'nspkg'), { folder: '/ws/nsroot/nspkg' });
    assert.deepEqual(resolveModule(PROJECT, layout, '/ws/scripts/train.py', 'nspkg.part'), { path: '/ws/nsroot/nspkg/part.py' });
  });

  it('spells paths with / and no . or .. segments, on every platform', () => {
    assert.equal(normalizePath('C:\\proj\\pkg\\..\\net.py'), 'C:/proj/net.py');
    assert.equal(joinPath('/ws', 'pkg', 'blocks.py'), '/ws/pkg/blocks.py');
    assert.equal(joinPath('/ws/pkg', '..', 'x.py'), '/ws/x.py');
    assert.equal(joinPath('.', 'pkg'), 'pkg');
    assert.equal(joinPath('/', 'pkg'), '/pkg');
    assert.equal(shownFrom('/ws/app/model.py', '/ws/app/blocks/a.py'), 'blocks/a.py');
    assert.equal(shownFrom('app/model.py', '/ws/app/blocks.py'), 'blocks.py');
    assert.equal(shownFrom('/ws/app/model.py', '/lib/x.py'), '/lib/x.py');
  });

  it('names modules after their __init__.py chain', () => {
    assert.equal(moduleNameOf(PROJECT, '/ws/mynet/layers/conv.py'), 'mynet.layers.conv');
    assert.equal(moduleNameOf(PROJECT, '/ws/mynet/__init__.py'), 'mynet');
    assert.equal(moduleNameOf(PROJECT, '/ws/scripts/helpers.py'), 'helpers');
  });

  it('scans the imports of a text without parsing it', () => {
    const found = scanImports(
      ['import os, mynet.blocks as B', 'from . import (', '    blocks,  # the blocks', '    layers as L,', ')', 'from ..x import *', 'x = "import"'].join('\n'),
    );
    assert.deepEqual(found, [
      { module: '.', names: ['blocks', 'layers'] },
      { module: '..x', names: [] },
      { module: 'os', names: [] },
      { module: 'mynet.blocks', names: [] },
    ]);
  });

  it('walks the import closure nearest first, within bounds, through cycles', () => {
    const model = PROJECT.read('/ws/mynet/model.py')!;
    const closure = importClosure(PROJECT, LAYOUT, '/ws/mynet/model.py', model);
    assert.deepEqual(closure.files, ['/ws/mynet/__init__.py', '/ws/mynet/blocks.py', '/ws/mynet/layers/__init__.py']);
    assert.deepEqual(closure.notes, []);
    const bounded = importClosure(PROJECT, LAYOUT, '/ws/mynet/model.py', model, { files: 1, bytes: 1e6, depth: 8 });
    assert.deepEqual(bounded.files, ['/ws/mynet/__init__.py']);
    assert.ok(bounded.notes.some((note) => note.includes('over 1 files')));
    const shallow = importClosure(PROJECT, LAYOUT, '/ws/mynet/model.py', model, { files: 10, bytes: 1e6, depth: 1 });
    assert.ok(shallow.notes.some((note) => note.includes('more than 1 steps away')));
  });
});
