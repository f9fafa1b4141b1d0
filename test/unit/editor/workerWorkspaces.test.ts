/**
 * The worker's snapshots of workspace files (workerWorkspaces.ts) and the import files of the
 * protocol: what the host sends is added to one snapshot per layout, a file that appears or goes
 * away starts the snapshot afresh (no stale text or resolution is kept), and malformed import
 * files are refused like any malformed message.
 */
import * as assert from 'node:assert/strict';
import { WorkerWorkspaces } from '../../../src/editor/workerWorkspaces';
import { parseHostMessage, type AnalyzeRequest, type ImportFiles } from '../../../src/protocol/analysis';

const LAYOUT = { folders: ['/ws'] };

describe('worker workspaces', () => {
  it('keeps one WorkspaceImports per layout while files only change text', () => {
    const spaces = new WorkerWorkspaces();
    const first = spaces.importsFor({ layout: LAYOUT, exists: [['/ws/pkg/blocks.py', true]], texts: [['/ws/pkg/blocks.py', 'A = 1\n']] });
    const again = spaces.importsFor({ layout: LAYOUT, exists: [['/ws/pkg/blocks.py', true]], texts: [['/ws/pkg/blocks.py', 'A = 2\n']] });
    assert.equal(again, first);
    assert.equal(again.files.read('/ws/pkg/blocks.py'), 'A = 2\n');
    const other = spaces.importsFor({ layout: { folders: ['/ws'], extraPaths: ['libs'] }, exists: [], texts: [] });
    assert.notEqual(other, first);
    const stubbed = spaces.importsFor({ layout: { folders: ['/ws'], stubPaths: ['stubs'] }, exists: [], texts: [] });
    assert.notEqual(stubbed, first, 'the user stub folders are part of the layout');
  });

  it('starts afresh when a file goes away or appears', () => {
    const spaces = new WorkerWorkspaces();
    const first = spaces.importsFor({ layout: LAYOUT, exists: [['/ws/pkg/blocks.py', true]], texts: [['/ws/pkg/blocks.py', 'A = 1\n']] });
    const gone = spaces.importsFor({ layout: LAYOUT, exists: [['/ws/pkg/blocks.py', false]], texts: [] });
    assert.notEqual(gone, first);
    assert.equal(gone.files.read('/ws/pkg/blocks.py'), undefined);
    assert.equal(gone.files.exists('/ws/pkg/blocks.py'), false);
    const back = spaces.importsFor({ layout: LAYOUT, exists: [], texts: [['/ws/pkg/blocks.py', 'A = 3\n']] });
    assert.notEqual(back, gone);
    assert.equal(back.files.read('/ws/pkg/blocks.py'), 'A = 3\n');
  });
});

describe('import files in the protocol', () => {
  const request = (imports: unknown): unknown => ({
    type: 'analyze',
    id: 1,
    key: 'k',
    version: 1,
    text: '',
    path: '/ws/a.py',
    incremental: true,
    options: { maxSize: 1000 },
    imports,
  });

  it('accepts well-formed import files', () => {
    const imports: ImportFiles = {
      layout: { folders: ['/ws'], extraPaths: ['libs'], stubPaths: ['/corp/stubs'] },
      exists: [['/ws/b.py', true]],
      texts: [['/ws/b.py', 'X = 1\n']],
    };
    assert.deepEqual((parseHostMessage(request(imports)) as AnalyzeRequest).imports, imports);
  });

  it('refuses malformed ones', () => {
    for (const bad of [
      { layout: { folders: [1] }, exists: [], texts: [] },
      { layout: { folders: [] }, exists: [['/ws/b.py', 'yes']], texts: [] },
      { layout: { folders: [] }, exists: [], texts: [['/ws/b.py', 1]] },
      { layout: { folders: [], root: 3 }, exists: [], texts: [] },
      { layout: { folders: [], stubPaths: [7] }, exists: [], texts: [] },
      'files',
    ]) {
      assert.equal(parseHostMessage(request(bad)), undefined, JSON.stringify(bad));
    }
  });
});
